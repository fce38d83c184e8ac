-- ccassure.lua: the one pandoc Lua filter both renderers apply (quarto render through `filters:` in
-- _quarto.yml, ccassure render through pandoc --lua-filter), so both give the same page:
--  * a `::: {.ccassure-title}` block holding a heading becomes the document's title (documents compute
--    their title from the results: "Northshire: ..."), replacing the generic front-matter title;
--  * the `.synthetic` notice stays a plain block (not a Quarto callout), is boxed in PDF, and sets the
--    note that the typst template prints in the footer of every page.
-- Format-agnostic on purpose: raw typst blocks are dropped by the HTML writer.

local title = nil
local note = nil

local function typst_string(s)
  return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function Div(div)
  if div.classes:includes('ccassure-title') then
    for _, block in ipairs(div.content) do
      if block.t == 'Header' then
        title = block.content
        break
      end
    end
    return {}
  end
  if div.classes:includes('synthetic') then
    local classes = pandoc.List()
    for _, c in ipairs(div.classes) do
      if not c:match('^callout') then classes:insert(c) end
    end
    div.classes = classes
    note = pandoc.utils.stringify(div.content)
    local content = pandoc.List({
      pandoc.RawBlock('typst', '#ccassure-footer-note.update(' .. typst_string(note) .. ')'),
      pandoc.RawBlock('typst', '#ccassure-notice['),
    })
    content:extend(div.content)
    content:insert(pandoc.RawBlock('typst', ']'))
    div.content = content
    return div
  end
end

local function html_text(s)
  return (s:gsub('&', '&amp;'):gsub('<', '&lt;'):gsub('>', '&gt;'))
end

-- the notice again at the bottom of an HTML page (PDF has it in every page's footer)
function Pandoc(doc)
  if note ~= nil then
    doc.blocks:insert(pandoc.RawBlock('html', '<div class="synthetic-footer">' .. html_text(note) .. '</div>'))
  end
  return doc
end

function Meta(meta)
  if title ~= nil then
    meta.title = pandoc.MetaInlines(title)
    meta.pagetitle = pandoc.utils.stringify(title)
  end
  return meta
end

return {{Div = Div}, {Meta = Meta, Pandoc = Pandoc}}
