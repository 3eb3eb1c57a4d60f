# Benchmarks are run by hand, one script each (bench/*/run; how and what
# they measure: doc/benchmarks.md). They are not part of make check and
# have no make target: they need tools the build does not (wrk, nginx,
# snmpd, rrdcached) and a build without sanitizers.
