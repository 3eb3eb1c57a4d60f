/*
 * snmp_profile: a vendor profile is a data file (libconfuse syntax) in the
 * profile directory that names the OIDs the snmp collector walks: the AP
 * name table, the per-radio client column with its band column, the
 * per-SSID table and controller scalars, how their indexes join, and
 * whether counts arrive as numbers or as text. No vendor knowledge lives
 * in C; adding a vendor is adding a file.
 *
 * Join rules:
 *   - ap { name }           AP name column, index = AP key.
 *   - radio { ... }         one row per radio (or VAP); the AP key is the
 *                           radio index without its last index_extra_arcs
 *                           arcs. Without an ap table the AP name comes from
 *                           radio.ap_name; without both, the device itself is
 *                           the one AP, named by sysName.
 *   - ssid { name clients } per-SSID table; without it, radio.ssid (when
 *                           given) sums radio rows per SSID.
 * The profile directory is $HEADROOM_PROFILE_DIR, else PKGDATADIR/profiles
 * when it exists, else the source tree's config/profiles.
 */
#ifndef HEADROOM_SNMP_PROFILE_H
#define HEADROOM_SNMP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/types.h>

enum snmp_band { SNMP_BAND_UNKNOWN = 0, SNMP_BAND_2G4, SNMP_BAND_5G, SNMP_BAND_6G };

/* How a count is encoded on the wire. counter, gauge and integer all mean
 * "an SNMP number holding the current count"; text means a decimal number
 * in an OCTET STRING (net-snmp extend). */
enum snmp_vtype { SNMP_VT_NUMBER = 0, SNMP_VT_TEXT };

struct snmp_oid {
	oid arcs[MAX_OID_LEN];
	size_t len;			/* 0: not configured */
};

struct snmp_band_rule {
	char *value;			/* the device's value, as text */
	enum snmp_band band;
};

struct snmp_scalar {
	char *metric;			/* emitted as target:<name> <metric> */
	struct snmp_oid oid;
	enum snmp_vtype type;
};

struct snmp_profile {
	char *name;
	char *description;
	struct snmp_oid ap_name;	/* ap { name } */

	bool has_radio;
	struct snmp_oid radio_clients;
	enum snmp_vtype radio_type;
	struct snmp_oid radio_band;
	bool band_from_mhz;		/* band column holds a frequency in MHz */
	struct snmp_band_rule *band_map;
	size_t n_band_map;
	struct snmp_oid radio_ap_name;
	struct snmp_oid radio_ssid;
	long index_extra_arcs;

	struct snmp_oid ssid_name, ssid_clients;
	enum snmp_vtype ssid_type;

	struct snmp_scalar *scalars;
	size_t n_scalars;
};

/* The directory profiles are read from (see above). */
const char *snmp_profile_dir(void);

/* Load profile NAME (file NAME.conf) from dir (NULL: snmp_profile_dir()).
 * On error returns NULL and sets *err to a malloc'd "file:line: why". */
struct snmp_profile *snmp_profile_load(const char *dir, const char *name, char **err);
void snmp_profile_free(struct snmp_profile *p);

/* Map a band column value (number or text) through the profile. */
enum snmp_band snmp_profile_band(const struct snmp_profile *p, const char *value);
const char *snmp_band_name(enum snmp_band b);

/* Parse "1.3.6.1..." (leading dot allowed); 0 on success. */
int snmp_oid_parse(const char *text, struct snmp_oid *out);

#endif
