# Benchmarks are run by hand (make bench); they are not part of make check.
