# Vendor profiles for the snmp collector: data files, installed to
# $(pkgdatadir)/profiles (see collectors/snmp_profile.h).
profilesdir = $(pkgdatadir)/profiles
dist_profiles_DATA = \
	config/profiles/aruba.conf \
	config/profiles/cisco-wlc.conf \
	config/profiles/extreme.conf \
	config/profiles/fortinet.conf \
	config/profiles/generic-ifmib.conf \
	config/profiles/huawei.conf \
	config/profiles/mikrotik.conf \
	config/profiles/openwrt-extend.conf \
	config/profiles/ruckus-sz.conf \
	config/profiles/ruckus-zd.conf \
	config/profiles/unifi.conf
