"""Load and scale benchmarks of the webinar app (run with `make bench`)."""
