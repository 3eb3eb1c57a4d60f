/*
 * snmp_profile: a vendor profile is a data file (libconfuse syntax, like
 * headroom.conf) in the profile directory. It says how to recognise a
 * device, which objects to read, and what every row of every table is.
 * No vendor knowledge lives in C: adding a vendor is adding a file. The
 * file is compiled once into tables of OIDs, index decoders and joins;
 * a poll only walks, decodes arcs and adds numbers.
 *
 * The profile directory is $HEADROOM_PROFILE_DIR, else PKGDATADIR/profiles
 * when it exists, else the source tree's config/profiles.
 *
 * ---- the file ----
 *
 *   description = "Aruba mobility controller (ArubaOS)"
 *   mib = "WLSX-WLAN-MIB, WLSX-SWITCH-MIB"     # for people; not read
 *   device = "controller"   # or "ap": the device itself is one AP, "self"
 *   total = "ssid"          # the device's client total when no `clients`
 *                           # scalar answers: the sum of the ssid, radio or
 *                           # ap rows, or "station": the station rows counted
 *
 *   detect {                # profile = "auto"; several blocks: any of them
 *       sysobjectid = { "1.3.6.1.4.1.14823.1.1" }  # prefixes, longest wins
 *       sysdescr = "^ArubaOS"   # extended regex, any case; must match too
 *       exists = { "1.3.6.1.4.1.14823.2.2.1.5" }   # objects or subtrees
 *       device = "ap"       # overrides the file's device for this match
 *   }
 *
 *   scalar "clients" { oid = { "1.3.6.1.4.1.14823.2.2.1.1.3.2.0" } }
 *
 *   table "radios" {
 *       oid = "1.3.6.1.4.1.14823.2.2.1.5.2.1.5.1"  # the entry: column N is oid.N
 *       index = { "ap:mac", "radio" }
 *       rows = "radio"
 *       ap = "16"                       # fields are references, below
 *       clients = "7"
 *       band = "2"
 *       band_map = { "1=5g", "2=2g4", "3=2g4" }
 *       utilization = { "6" }
 *   }
 *
 * ---- scalars ----
 * A scalar is one object read with GET; `oid` lists alternatives (firmware
 * generations): the first that answers counts. The title says what it is:
 *   clients             the device's (controller's) client total
 *   aps, aps#VARIANT    an AP count as the device states it (#connected...)
 * and for the radio of a device = "ap" (one radio, key self/<band>):
 *   frequency           MHz; `unit = "khz"` for kHz; gives the band
 *   channel             a channel number; gives the band
 *   utilization, utilization#VARIANT   percent
 * Fields: oid, divisor, multiplier, unit.
 *
 * ---- tables ----
 *   oid        the table entry; columns are written as numbers below it.
 *              "sysObjectID.1.3.1.1" is relative to the device's
 *              sysObjectID (per-model MIBs such as Alcatel's Stellar APs).
 *   index      how the index arcs decode, in order: "NAME" or "NAME:TYPE"
 *              with TYPE
 *                int      one arc (the default)
 *                ifindex  one arc, an IF-MIB ifIndex (ifName lookups)
 *                mac      six arcs, a MAC address
 *                ipv4     four arcs, an IpAddress
 *                string   a length arc, then that many characters
 *                implied  the remaining arcs are characters (IMPLIED)
 *                N        a fixed-width part of N arcs
 *                rest     the remaining arcs
 *              Default { "index:rest" }. The part named "ap" is the AP's
 *              identity: tables join their rows to APs through it.
 *   rows       what one row is:
 *                ap       an AP: name, clients (or clients_band)
 *                radio    one radio of an AP: band, clients, utilization
 *                vap      a virtual AP on a radio: summed per radio (the
 *                         index part "radio", else the band) and per SSID
 *                ssid     a WLAN: name, clients (or clients_band); WLANs
 *                         sharing a name stay apart as NAME[index]; a
 *                         table without clients only lists SSIDs (zero
 *                         until counted rows add to them)
 *                station  one associated client: the rows are counted,
 *                         grouped by its ssid, band and ap fields
 *   name       the row's name (AP, radio or SSID name; default: its index)
 *   ap         the AP name for radio, vap and station rows. Without it the
 *              AP comes from the rows = "ap" table sharing the "ap" part;
 *              rows of a table with no "ap" part belong to the device
 *              itself (its sysName, or the configured `ap` with its address)
 *   clients    the count; clients_band = { "2g4=2", "5g=3" } for counts
 *              split by band (per-SSID or per-AP band columns)
 *   utilization { "REF" } or { "VARIANT=REF", ... }, percent per radio
 *   noise      (radio, vap) the noise floor in dBm; a positive figure is the
 *              magnitude of a negative one (Aruba's 94 is -94 dBm)
 *   channel    (radio, vap) the radio's operating channel; text keeps
 *              its leading number ("116E" is 116)
 *   frequency  (radio, vap) its centre frequency in MHz; gives the channel
 *              when no channel field does (2412 is 1, 5180 is 36, 5955 is 1)
 *   band       with band_from = "map" (default), "mhz", "khz" or
 *              "channel", and band_map = { "GLOB=BAND", ... } tried first
 *              (shell globs, any case: "ng=2g4", "*S=6g"). Bands: 2g4, 5g,
 *              6g, 3g5 (3.3-3.9 GHz), 60g (57-71 GHz); "unk" otherwise.
 *              MHz 2400-2500 2g4, 3300-3900 3g5, 4900-5924 5g, 5925-7125
 *              6g, 57000-71000 60g; channels 1-14 2g4, 32-196 5g.
 *              A band entry may carry its own rules after ": ", used
 *              instead of the table's: "3: channel", "$radio: 0=5g 1=2g4";
 *              the entries are tried in order until one gives a band.
 *   unknown_band = "vap": rows whose band cannot be told are virtual APs
 *              (key vap:<AP>/<name>), not radios of band unk
 *   ssid       the SSID of a radio, vap or station row
 *   radio      (vap, station) which radio of the AP the row is on
 *   match      a glob the string index must match; the text under its
 *              `*` is $* (net-snmp extend names: "clients-*")
 *   skip, only { "REF=GLOB", ... }: drop rows whose value matches, or
 *              keep only those that do
 *   divisor, multiplier   applied to clients and utilization
 *   alternative = "GROUP"  tables of one group are firmware generations
 *              of the same counts: the first (in file order) whose clients
 *              answer counts; the later ones are not read
 *
 * ---- references ----
 * Every field value is a reference, resolved once when the file loads:
 *   "7", "12.1"         column 7 (or 12.1) of this table, same index
 *   "$part"             an index part's value ($* the match text)
 *   "TABLE.7"           column 7 of table TABLE, joined on the index
 *                       parts both tables name alike
 *   "ifName", "ifDescr", "ifAlias"   IF-MIB, joined on the ifindex part
 *   "1.3.6.1.4.1.X.Y"   any other column (5 arcs or more), same index
 * followed by an optional explicit key "[...]", one token per index part
 * of the target, separated by dots: "$part" (that part's arcs) or text
 * with $* and $part put in, encoded as the target's part (a string gets
 * its length arc): "1[frequency-$*]", "2[hrbands.$line]",
 * "1.3.6.1.4.1.X.14[$radio]". Several fields (name,
 * ap, ssid, band) take a list: the first reference that answers wins.
 * Counts and percents may be INTEGER, Counter32, Gauge32, Counter64 or
 * an OCTET STRING holding a number ("14", "3.7", "5/64": the leading
 * number counts).
 *
 * Errors name file:line and the field.
 */
#ifndef HEADROOM_SNMP_PROFILE_H
#define HEADROOM_SNMP_PROFILE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/types.h>

enum snmp_band {
	SNMP_BAND_UNKNOWN = 0, SNMP_BAND_2G4, SNMP_BAND_5G, SNMP_BAND_6G, SNMP_BAND_3G5,
	SNMP_BAND_60G, SNMP_BANDS
};

struct snmp_oid {
	oid arcs[MAX_OID_LEN];
	size_t len;			/* 0: not configured */
};

enum snmp_part_type {
	SNMP_PART_INT, SNMP_PART_IFINDEX, SNMP_PART_MAC, SNMP_PART_IPV4, SNMP_PART_STRING,
	SNMP_PART_IMPLIED, SNMP_PART_FIXED, SNMP_PART_REST
};

struct snmp_part {
	char *name;
	enum snmp_part_type type;
	int arcs;			/* SNMP_PART_FIXED */
};

enum snmp_rows { SNMP_ROWS_AP, SNMP_ROWS_RADIO, SNMP_ROWS_VAP, SNMP_ROWS_SSID, SNMP_ROWS_STATION };
enum snmp_total { SNMP_TOTAL_NONE, SNMP_TOTAL_SSID, SNMP_TOTAL_RADIO, SNMP_TOTAL_AP,
		  SNMP_TOTAL_STATION };
enum snmp_band_from { SNMP_BAND_FROM_MAP, SNMP_BAND_FROM_MHZ, SNMP_BAND_FROM_KHZ,
		      SNMP_BAND_FROM_CHANNEL };

#define SNMP_KEY_PARTS 16

/* A compiled reference: where a field's value is, and how a row's index
 * becomes the key of that cell. */
enum snmp_ref_kind { SNMP_REF_COLUMN, SNMP_REF_PART, SNMP_REF_CAPTURE, SNMP_REF_IFMIB };
enum snmp_key_kind { SNMP_KEY_SAME, SNMP_KEY_PARTS_JOIN, SNMP_KEY_TEMPLATE };
enum snmp_key_enc { SNMP_ENC_STRING, SNMP_ENC_IMPLIED, SNMP_ENC_NUMBER };

/* One part of an explicit key [a.$b]: a row part's arcs, or text. */
struct snmp_key_token {
	int part;			/* >= 0: the arcs of this row part */
	char *text;			/* else: text with $* and $part put in */
	enum snmp_key_enc enc;		/* how the text becomes arcs */
};

struct snmp_ref {
	enum snmp_ref_kind kind;
	int column;			/* COLUMN: profile column; IFMIB: 0 name, 1 descr, 2 alias */
	int part;			/* PART: part of the row's table */
	enum snmp_key_kind key;
	int key_parts[SNMP_KEY_PARTS];	/* PARTS_JOIN: row parts, in order */
	int n_key_parts;
	struct snmp_key_token *tokens;	/* TEMPLATE */
	int n_tokens;
	char *source;			/* as written, for messages */
};

struct snmp_refs {
	struct snmp_ref *v;
	size_t n;
};

struct snmp_band_rule {
	char *glob;
	enum snmp_band band;
};

/* How one band reference's value becomes a band: its own rules (written
 * after ": " in the entry), else the table's band_from and band_map. */
struct snmp_band_how {
	bool own;
	enum snmp_band_from from;
	struct snmp_band_rule *map;
	size_t n_map;
};

struct snmp_variant {
	char *name;			/* NULL: the plain metric */
	struct snmp_ref ref;
};

struct snmp_filter {
	struct snmp_ref ref;
	char *glob;
	bool keep;			/* only = ...; skip otherwise */
};

/* A walked column: one OID subtree whose cells are indexed like its table. */
struct snmp_column {
	struct snmp_oid oid;		/* absolute, or relative to sysObjectID */
	bool rel_sysobjectid;
	int table;			/* owning table, -1 for an undeclared column */
	char *source;			/* as written */
};

struct snmp_table {
	char *name;
	int line;
	struct snmp_oid oid;
	bool rel_sysobjectid;
	struct snmp_part *parts;
	int n_parts;
	int ap_part;			/* -1: none */
	int radio_part;			/* -1: none */
	int string_part;		/* the part `match` and text keys use, -1 */
	enum snmp_rows rows;
	char *alternative;		/* NULL: always read */
	char *match;
	struct snmp_refs label, ap, ssid, band, radio;	/* label: the `name` field */
	struct snmp_band_how *band_how;		/* parallel to band */
	struct snmp_ref clients;
	bool has_clients;
	struct snmp_variant *clients_band;	/* name = band token */
	size_t n_clients_band;
	struct snmp_variant *utilization;
	size_t n_utilization;
	struct snmp_ref noise, channel, frequency;	/* radio rows: dBm, number, MHz */
	bool has_noise, has_channel, has_frequency;
	struct snmp_filter *filters;
	size_t n_filters;
	enum snmp_band_from band_from;
	struct snmp_band_rule *band_map;
	size_t n_band_map;
	bool unknown_band_vap;
	double divisor, multiplier;
	/* the columns this table's walk reads, drivers first */
	int *columns;
	size_t n_columns;
	int *drivers;			/* rows come from the first that answered */
	size_t n_drivers;
	bool referenced;		/* another table reads one of its columns */
};

enum snmp_scalar_kind { SNMP_SCALAR_CLIENTS, SNMP_SCALAR_APS, SNMP_SCALAR_FREQUENCY,
			SNMP_SCALAR_CHANNEL, SNMP_SCALAR_UTILIZATION };

struct snmp_scalar {
	char *title;			/* as written: clients, aps#connected ... */
	enum snmp_scalar_kind kind;
	char *variant;			/* after '#', or NULL */
	struct snmp_oid *oids;		/* alternatives */
	bool *rel_sysobjectid;
	size_t n_oids;
	double divisor, multiplier;
	bool khz;
};

struct snmp_detect {
	struct snmp_oid *prefixes;
	size_t n_prefixes;
	char *sysdescr;
	regex_t sysdescr_re;
	bool has_re;
	struct snmp_oid *exists;
	char **exists_text;		/* as written, for the reason */
	size_t n_exists;
	int device_ap;			/* -1 the file's, 0 controller, 1 ap */
};

struct snmp_profile {
	char *name;
	char *description;
	bool device_ap;
	enum snmp_total total;
	struct snmp_detect *detect;
	size_t n_detect;
	struct snmp_scalar *scalars;
	size_t n_scalars;
	struct snmp_table *tables;
	size_t n_tables;
	struct snmp_column *columns;
	size_t n_columns;
	bool needs_ifmib;		/* a reference reads ifName/ifDescr/ifAlias */
	bool has_clients;		/* some source gives client counts */
};

/* The directory profiles are read from (see above). */
const char *snmp_profile_dir(void);

/* Load profile NAME (file NAME.conf) from dir (NULL: snmp_profile_dir()).
 * On error returns NULL and sets *err to a malloc'd "file:line: field: why". */
struct snmp_profile *snmp_profile_load(const char *dir, const char *name, char **err);
void snmp_profile_free(struct snmp_profile *p);

/* Every profile of dir (NULL: snmp_profile_dir()), sorted by name; files
 * that do not load are skipped and reported through *errors (malloc'd,
 * one line each, NULL when none). */
struct snmp_profile **snmp_profile_load_all(const char *dir, size_t *n, char **errors);
void snmp_profile_free_all(struct snmp_profile **v, size_t n);

/* ---- choosing a profile (profile = "auto") ---- */

struct snmp_device {
	const oid *sysobjectid;
	size_t sysobjectid_len;		/* 0: unknown */
	const char *sysdescr;		/* "" when unknown */
};

/* The probe OIDs of every detect rule that could still match this device
 * (its sysObjectID prefix and sysDescr agree): GETNEXT each and pass the
 * answers to snmp_profile_choose. Returns how many were written to out. */
size_t snmp_profile_probes(struct snmp_profile *const *v, size_t n,
			   const struct snmp_device *dev, struct snmp_oid *out, size_t max);

/* probe_ok(ctx, oid): whether the probe of that OID found an object. */
typedef bool (*snmp_probe_fn)(void *ctx, const struct snmp_oid *o);

/* The profile for this device: the longest sysObjectID prefix among the
 * rules whose other conditions hold (a rule with more conditions wins a
 * tie), -1 when none. *device_ap gets the matching rule's device role and
 * reason a sentence such as "sysObjectID 1.3.6.1.4.1.41112 (longest
 * prefix)". probe may be NULL when no probe was sent. */
int snmp_profile_choose(struct snmp_profile *const *v, size_t n, const struct snmp_device *dev,
			snmp_probe_fn probe, void *ctx, bool *device_ap, char *reason,
			size_t reason_size);

/* The role of profile p on this device (a matching detect rule may set it). */
bool snmp_profile_device_ap(const struct snmp_profile *p, const struct snmp_device *dev);

/* ---- values ---- */

/* Map a band value (number or text) through a table's band rules, or
 * through the rules of its band reference i. */
enum snmp_band snmp_table_band(const struct snmp_table *t, const char *value);
enum snmp_band snmp_table_band_ref(const struct snmp_table *t, size_t i, const char *value);
enum snmp_band snmp_band_of_mhz(double mhz);
enum snmp_band snmp_band_of_channel(long channel);
const char *snmp_band_name(enum snmp_band b);
/* "2g4", "5g", ... back to the band; SNMP_BAND_UNKNOWN otherwise. */
enum snmp_band snmp_band_parse(const char *token);

/* Parse "1.3.6.1..." (leading dot allowed); 0 on success. */
int snmp_oid_parse(const char *text, struct snmp_oid *out);
void snmp_oid_format(const oid *arcs, size_t len, char *buf, size_t size);

/* The leading decimal number of a text ("14", " 3.7", "5/64"); false when
 * it does not start with one. */
bool snmp_text_number(const char *s, double *out);

#endif
