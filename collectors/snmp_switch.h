/*
 * snmp_switch: targets of kind = "switch" (internal to collectors/). One
 * poll walks, with GETBULK, IF-MIB (ifIndex ifDescr ifType ifSpeed
 * ifOperStatus ifName ifHighSpeed ifAlias), the bridge-port map
 * (dot1dBasePortIfIndex), the FDB-id -> VLAN map (dot1qVlanFdbId), the
 * ports' PVIDs (dot1qPvid), LLDP neighbours (lldpRemSysName with
 * lldpLocPortId/Desc), then the Q-BRIDGE FDB (dot1qTpFdbPort, Status) or,
 * when it has no rows, the BRIDGE-MIB one (dot1dTpFdbPort, Status).
 *
 * What counts (the rules of the snmprec-wired fixtures' README):
 *   - with a status column, only learned(3) rows (self and mgmt are the
 *     switch's own); without one, every row;
 *   - bridge port 0 and ports without an ifIndex are dropped; an agent
 *     whose FDB ports match no dot1dBasePortIfIndex key numbers them as
 *     the n-th bridge port (TP-Link JetStream);
 *   - an index with a length arc before the MAC is read (Zyxel GS1900);
 *   - an FDB id belonging to exactly one VLAN is that VLAN, else the id
 *     itself; BRIDGE-MIB rows are VLAN 0.
 * MACs are hashed with the event's key (client_key.h) as they are read;
 * only the hashes are kept, for one poll per target.
 *
 * A port is an uplink (never counted as a room's access port) when the
 * target's uplink_ports name it, when it has an LLDP neighbour
 * (lldp_uplinks), or when it carries uplink_macs MACs or more. An
 * ethernet port (types 6 62 69 117, or none stated) that is no uplink
 * belongs to the first `wired` block naming it by range, glob or VLAN.
 *
 * Samples (venue.h):
 *   switch:<target>  ports ports_up (ethernet), ports_with_macs, macs (sum
 *                    of per-port distinct MACs), distinct_macs, fdb_rows,
 *                    fdb_counted, uplinks, uplinks_lldp, uplinks_macs
 *                    (text: the ports), edge_ports, edge_macs, access_ports
 *   wired:<room>     devices (distinct hashed MACs on its access ports over
 *                    every switch), ports, ports_up, ports_used, ports_free
 *   port:<target>/<ifIndex>  (in -T and --probe only; text ifName) oper,
 *                    type, speed_mbps, macs, macs#<vlan>, uplink (text:
 *                    why), access (text: the room)
 */
#ifndef HEADROOM_SNMP_SWITCH_H
#define HEADROOM_SNMP_SWITCH_H

#include <stdbool.h>

struct target;
struct switch_state;

struct switch_state *switch_new(void);
void switch_free(struct switch_state *sw);

/* STEP_SWITCH: the first walk; false when nothing was sent. */
bool switch_begin(struct target *t);
/* A walk finished: the next one; false when every walk is done. */
bool switch_next(struct target *t);
/* The finished poll as samples (and the --probe text). */
void switch_emit(struct target *t);
/* A new config: the rooms' shares of the last poll (by room index) go. */
void switch_forget(struct target *t);
/* A failed poll: the target's rooms no longer count its ports. */
void switch_failed(struct target *t);
/* The last poll as text for --probe; NULL before one. */
const char *switch_probe_text(const struct target *t);

#endif
