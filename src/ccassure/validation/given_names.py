"""Common given names of people in England and Wales, for the names detector (validation.pii).

Compiled for ccassure from the Office for National Statistics' "Baby names in England and Wales" tables
(top 100 boys' and girls' names, 1996 to 2023: the children of a return), from the most common names of
the parents' and grandparents' generations in the same series, and from names common in the country's
larger communities (South Asian, Arabic, Polish, Romanian, Somali, West African). Published under the Open
Government Licence; the selection and spelling variants are ours.

Kept out on purpose, because they are also ordinary words, RAG or status words, places, venues or
seasons that a centre's notes use with a capital letter ("Amber rating", "Grant Funding", "Victoria Park",
"May Half Term", "Summer Fair", "Hope Street"): Amber, April, Autumn, Bill, Brooke, Chase, Dawn, Dean, Faith,
Frank, Grant, Hazel, Heather, Holly, Hope, Hunter, India, Iris, Ivy, Jade, Jordan, Joy, June, Mark, May,
Miles, Rose, Sky, Skye, Summer, Star, Storm, Victoria, Will, and town names such as Chester, Lincoln,
Preston or Stanley; and names of things a centre names rooms or activities after (Carol, Christian, Daisy,
Junior, Robin, Teddy, Billy, Willow). Such a name is still found after a title or a relation ("Mrs Rose",
"mum Hope": WORDLIKE_NAMES).
"""

from __future__ import annotations

_BOYS = """
Aaron Abdul Abdullah Adam Adrian Ahmad Ahmed Aiden Alan Albert Alex Alexander Alfie Alfred Ali Alistair Andrew
Angus Anthony Antoni Archie Arlo Arthur Ashton Austin Ayaan Aydin Barry Ben Benjamin Bertie Blake Bobby
Brandon Brian Caleb Callum Calum Cameron Carl Charles Charlie Christopher Ciaran Clive Colin Conor
Connor Craig Daniel Danny Darren David Declan Dennis Derek Dexter Dominic Donald Dylan Eddie Edward Edwin Elias
Elijah Elliot Elliott Ellis Emmanuel Eric Ethan Evan Ezra Felix Filip Finlay Finley Finn Francis Frankie Freddie
Frederick Gabriel Gareth Gary Gavin Geoffrey George Gordon Graham Gregory Hamza Harley Harris Harrison Harry
Harvey Hasan Hassan Hayden Henry Hudson Hugo Hussain Ian Ibrahim Idris Isaac Isaiah Ismail Ivan Jack Jackson
Jacob Jake Jakub James Jamal Jamie Jason Jay Jayden Jeremy Jesse Joe Joel Joey John Jonathan Joseph Josh Joshua
Jude Julian Kacper Kai Karl Kayden Keith Kenneth Kevin Kian Kieran Kofi Kyle Lee Leo Leon Leonardo Levi
Lewis Liam Logan Louie Louis Luca Lucas Luke Malachi Marcus Mario Martin Mason Matteo Matthew Max Maxwell
Mehmet Michael Mikolaj Milo Mohamed Mohammad Mohammed Muhammad Musa Mustafa Nathan Nathaniel Neil Nicholas
Nigel Noah Oliver Ollie Omar Oscar Oskar Owen Patrick Paul Peter Philip Phillip Raphael Rayyan Reece Reggie
Reuben Rhys Richard Riley Robert Rohan Ronald Ronnie Rory Roy Ryan Sam Samuel Scott Sean Sebastian Shaun
Simon Spencer Stephen Steven Stuart Szymon Terry Theo Theodore Thomas Timothy Toby Tom Tommy Tony Trevor
Tyler Umar Usman Vincent Wayne William Wojciech Yahya Yasin Yusuf Zac Zach Zachary Zain Zak Zayan Zayn
"""

_GIRLS = """
Aaliyah Abigail Ada Adele Agnes Aisha Aleksandra Alexandra Alice Alicia Alisha Alison Amanda Amara Amelia
Amelie Amina Amira Amy Ana Ananya Andrea Angela Anita Ann Anna Anne Annie Antonia Anya Arabella Aria Ariana
Ava Ayesha Aylin Barbara Beatrice Bella Bethany Beverley Bianca Bonnie Brenda Bridget Caitlin Carly
Caroline Catherine Charlotte Chloe Christina Christine Claire Clara Clare Courtney Danielle
Darcey Darcie Darcy Deborah Debra Delilah Denise Diane Donna Dorothy Edith Eleanor Elena Elise Eliza
Elizabeth Ella Ellie Eloise Elsie Emilia Emily Emma Erin Esme Esther Eva Evelyn Evie Fatima Fatuma Fiona
Florence Frances Francesca Freya Gabriella Gemma Georgia Georgina Gillian Grace Gracie Hafsa Hallie Halima Hannah
Harriet Harper Hayley Helen Helena Hollie Imogen Ingrid Irene Isabel Isabella Isabelle Isla Isobel Jacqueline
Jane Janet Jasmine Jean Jennifer Jenny Jessica Jodie Joanna Joanne Josephine Joyce Judith Julia Julie Karen
Kate Katherine Kathleen Kathryn Katie Kayla Kelly Khadija Kimberley Kirsty Lacey Laila Lara Laura Lauren
Layla Leah Leila Lexi Lilly Lily Linda Lisa Lola Lorraine Louise Lucy Luna Lydia Lyla Madison Maisie Maja
Margaret Maria Mariam Marie Marion Martha Mary Maryam Matilda Maya Megan Melissa Mia Michelle Mila Millie
Miriam Molly Monica Nadia Naomi Natalie Natasha Nancy Nia Niamh Nicola Nikita Nina Nora Nour Nyla Olivia
Oliwia Paige Pamela Patricia Paula Pauline Penelope Phoebe Piper Pippa Poppy Priya Rachel Rebecca Rihanna
Robyn Rosie Ruby Ruth Sadie Safa Samantha Sandra Sara Sarah Scarlett Seren Shannon Sharon Sheila Shirley
Sienna Sofia Sophia Sophie Stacey Stella Stephanie Susan Suzanne Sylvia Tanya Tara Teresa Thea Tracey Tracy
Valerie Vanessa Violet Wendy Yasmin Yvonne Zahra Zainab Zara Zoe Zofia Zuzanna
"""

GIVEN_NAMES: frozenset[str] = frozenset((_BOYS + _GIRLS).split())

# Given names that are also ordinary words: a name only after a title or a relation word ("mum Hope").
_WORDLIKE = """
Amber April Autumn Bill Billy Brooke Carol Chase Christian Daisy Dawn Dean Faith Frank Grant Hazel Heather
Holly Hope Hunter India Iris Ivy Jade Jordan Joy June Junior Mark May Miles Robin Rose Sky Skye Star Stanley
Storm Summer Teddy Victoria Will Willow
"""
WORDLIKE_NAMES: frozenset[str] = frozenset(_WORDLIKE.split())
