# Vendor profiles for the snmp collector: data files, installed to
# $(pkgdatadir)/profiles (see collectors/snmp_profile.h).
profilesdir = $(pkgdatadir)/profiles
dist_profiles_DATA = \
	config/profiles/aerohive.conf \
	config/profiles/airos.conf \
	config/profiles/albentia.conf \
	config/profiles/alcatel-stellar.conf \
	config/profiles/aruba-instant.conf \
	config/profiles/aruba.conf \
	config/profiles/cambium-epmp.conf \
	config/profiles/cambium-pmp.conf \
	config/profiles/cisco-wlc.conf \
	config/profiles/extreme.conf \
	config/profiles/fortinet.conf \
	config/profiles/fortiwlc.conf \
	config/profiles/generic-ifmib.conf \
	config/profiles/grandstream.conf \
	config/profiles/huawei.conf \
	config/profiles/ligowave.conf \
	config/profiles/mikrotik.conf \
	config/profiles/openwrt-extend.conf \
	config/profiles/peplink.conf \
	config/profiles/ruckus-ap.conf \
	config/profiles/ruckus-sz.conf \
	config/profiles/ruckus-unleashed.conf \
	config/profiles/ruckus-zd.conf \
	config/profiles/tachyon.conf \
	config/profiles/teldat.conf \
	config/profiles/unifi.conf \
	config/profiles/wis.conf \
	config/profiles/xirrus.conf \
	config/profiles/zyxel-nwa.conf \
	config/profiles/zyxel-nxc.conf
