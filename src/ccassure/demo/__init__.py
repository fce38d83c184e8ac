"""Synthetic demo data: fictional authorities, providers and families, with planted compliance gaps.

``generate_demo(output_dir, seed=2016, scale=1.0)`` writes the three-authority demo;
``generate_sample(output_dir)`` rewrites the small ``sample_data/`` set. Both are deterministic.
"""
