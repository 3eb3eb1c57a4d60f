# base: config, log, util, the sample and the collector/module interfaces,
# and the event log (alerts.log).
libheadroom_a_SOURCES += \
	base/log.c base/log.h \
	base/util.c base/util.h \
	base/sample.h \
	base/conf.c base/conf.h base/conf_index.c base/conf_index.h \
	base/collector.c base/collector.h \
	base/module.c base/module.h \
	base/eventlog.c base/eventlog.h
