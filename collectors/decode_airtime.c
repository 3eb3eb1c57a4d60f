/* Airtime of an 802.11 frame from its PHY parameters, by the standard's TXTIME formulas. */
#include "config.h"
#include <stddef.h>
#include <string.h>
#include "collectors/decode.h"

/*
 * All times in nanoseconds. References are 802.11-2016 unless marked ax
 * (802.11ax-2021). L is the PSDU length in bytes, FCS included.
 *
 * DSSS/HR-DSSS (15.3.7, 16.3.4): preamble + PLCP header 192 us long,
 *   96 us short (never at 1 Mb/s), + ceil(8L / rate) us.
 * OFDM (17.4.3): 16 us preamble + 4 us SIGNAL + 4 us x
 *   ceil((16 + 8L + 6) / N_DBPS); ERP-OFDM in 2.4 GHz (18.5.2) adds a
 *   6 us signal extension.
 * HT mixed (19.4.3): 16 + 4 (L-SIG) + 8 (HT-SIG) + 4 (HT-STF) + 4 x N_LTF,
 *   greenfield: 8 + 8 + 8 + 4 x (N_LTF - 1); N_SYM = m_STBC x
 *   ceil((8L + 16 + 6 N_ES) / (m_STBC N_DBPS)); symbols 4 us, short GI
 *   3.6 us rounded up to 4 us as a whole (mixed format); 2.4 GHz + 6 us.
 * VHT (21.4.3): 16 + 4 + 8 (VHT-SIG-A) + 4 (VHT-STF) + 4 x N_LTF + 4
 *   (VHT-SIG-B); the PSDU is always an A-MPDU: a 4-byte delimiter and
 *   the MPDU padded to 4 bytes; symbols as HT.
 * HE SU, extended-range SU, trigger-based (ax 27.4.3): 20 (legacy) + 4
 *   (RL-SIG) + 8 (HE-SIG-A, 16 extended range) + 4 (HE-STF, 8
 *   trigger-based) + N_LTF x (3.2 x LTF size + GI) + N_SYM x (12.8 + GI);
 *   N_SYM = ceil((8L + 16 [+ 6 N_ES with BCC]) / N_DBPS); packet
 *   extension not counted (radiotap does not carry it).
 * N_DBPS = N_SD x N_BPSCS x R x N_SS (halved with DCM); N_ES is one BCC
 * encoder per 1080 data bits a symbol (300 Mb/s at short GI).
 */

/* Bits per subcarrier and coding rate of MCS 0..11 (HT: index mod 8). */
static const uint8_t mcs_bpscs[12] = { 1, 2, 2, 4, 4, 6, 6, 6, 8, 8, 10, 10 };
/* ... the coding rate in twelfths (1/2, 3/4, 2/3, 5/6): a division by a
 * constant 12 instead of by the rate's denominator. */
static const uint8_t mcs_r12[12] = { 6, 6, 9, 6, 9, 8, 9, 10, 9, 10, 9, 10 };

#define AIR_MAX_PSDU 65535

static const uint32_t he_gi_ns[3] = { 800, 1600, 3200 };

/* Divisions in 32 bits (the hot path; bit and symbol counts stay below
 * 2^28), times in 64 (symbols x ns may not). */
static uint32_t div_up(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

static uint32_t sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static bool is_2g4(int freq_mhz)
{
	return freq_mhz >= 2400 && freq_mhz < 2500;	/* band_of_freq(), inline */
}

static unsigned n_es(uint32_t n_dbps)
{
	return (unsigned)div_up(n_dbps, 1080);
}

static uint32_t n_dbps_of(unsigned n_sd, unsigned mcs, unsigned nss, bool dcm)
{
	uint32_t n = (uint32_t)n_sd * mcs_bpscs[mcs] * mcs_r12[mcs] * nss / 12;
	return dcm ? n / 2 : n;
}

static unsigned ltfs_of(unsigned nsts)
{
	static const uint8_t ltfs[9] = { 1, 1, 2, 4, 4, 6, 6, 8, 8 };
	return nsts <= 8 ? ltfs[nsts] : 8;
}

/* Everything before the data symbols of an HT, VHT or HE PPDU, with the
 * 2.4 GHz signal extension (which comes after them, but counts alike). */
static uint32_t preamble_ns(const struct dec_rate *r, int freq_mhz)
{
	unsigned nltf = ltfs_of(r->nss * (r->stbc ? 2u : 1u));
	uint32_t ns;
	if (r->phy == PHY_HE) {
		uint32_t gi = he_gi_ns[r->gi];
		/* Without an LTF size: 4x goes with 3.2 us GI, 2x with the others. */
		unsigned ltf = r->he_ltf ? r->he_ltf : r->gi == 2 ? 4 : 2;
		if (r->he_nltf)
			nltf = r->he_nltf;
		ns = 20000 + 4000 + (r->he_format == 1 ? 16000 : 8000) + (r->he_format == 3 ? 8000 : 4000);
		return ns + nltf * (uint32_t)(ltf * 3200 + gi);
	}
	if (r->phy == PHY_VHT)
		ns = (36 + 4 * (uint32_t)nltf) * 1000;
	else if (r->greenfield)
		ns = (24 + 4 * (uint32_t)(nltf - 1)) * 1000;
	else
		ns = (32 + 4 * (uint32_t)nltf) * 1000;
	return ns + (is_2g4(freq_mhz) ? 6000 : 0);
}

static size_t ampdu_psdu(size_t len)
{
	return 4 + ((len + 3) & ~(size_t)3);
}

uint64_t airtime_subframe_bits(size_t psdu_len)
{
	return 8 * (uint64_t)ampdu_psdu(psdu_len);
}

static unsigned vht_nsd(unsigned bw)
{
	return bw == 160 ? 468 : bw == 80 ? 234 : bw == 40 ? 108 : 52;
}

static unsigned he_nsd(const struct dec_rate *r)
{
	if (r->he_ru)
		return r->he_ru;
	return r->bw == 160 ? 1960 : r->bw == 80 ? 980 : r->bw == 40 ? 468 : 234;
}

static uint32_t n_dbps_rate(const struct dec_rate *r)
{
	if (r->phy == PHY_HE)
		return n_dbps_of(he_nsd(r), r->mcs, r->nss, r->dcm);
	if (r->phy == PHY_VHT)
		return n_dbps_of(vht_nsd(r->bw), r->mcs, r->nss, false);
	if (r->mcs == 32)
		return 24;		/* 6 Mb/s duplicated over 40 MHz */
	return n_dbps_of(r->bw == 40 ? 108 : 52, r->mcs % 8, r->nss, false);
}

/* ---- a PPDU's time, from its rate's constants ---- */

/* What a rate fixes of every PPDU at it: data bits a symbol, the symbol,
 * the bits added to the PSDU's and the preamble. n_dbps 0: no rate. */
static void ppdu_fill(struct air_rate *c, const struct dec_rate *r, int freq_mhz)
{
	c->m = 1;
	c->sgi_round = false;
	c->subframe = r->phy == PHY_VHT || r->phy == PHY_HE;
	c->bpb = 8;
	if (r->phy == PHY_DSSS) {
		/* 16L / rate microseconds: the rate in 500 kb/s units. */
		c->n_dbps = r->rate;
		c->bpb = 16;
		c->extra = 0;
		c->sym_ns = 1000;
		c->pre_ns = (r->short_preamble && r->rate > 2 ? 96 : 192) * 1000;
		return;
	}
	if (r->phy == PHY_OFDM) {
		c->n_dbps = 2 * (uint32_t)r->rate;	/* rate x 0.5 Mb/s x 4 us */
		c->extra = 16 + 6;			/* SERVICE and tail bits */
		c->sym_ns = 4000;
		c->pre_ns = (20 + (is_2g4(freq_mhz) ? 6 : 0)) * 1000;
		return;
	}
	c->n_dbps = r->phy >= PHY_HT ? n_dbps_rate(r) : 0;
	if (!c->n_dbps)
		return;
	c->pre_ns = preamble_ns(r, freq_mhz);
	c->m = r->stbc ? 2 : 1;
	/* 16 SERVICE bits and, for BCC, 6 tail bits per encoder */
	c->extra = 16 + (r->phy != PHY_HE || !r->ldpc ? 6 * n_es(c->n_dbps) : 0);
	/* HT/VHT short GI: 3.6 us symbols, their total rounded up to 4 us. */
	c->sgi_round = r->phy != PHY_HE && !r->greenfield && r->gi;
	c->sym_ns = r->phy == PHY_HE ? 12800 + he_gi_ns[r->gi] : r->greenfield && r->gi ? 3600 : 4000;
}

/* The data symbols' time for psdu_bits (n_dbps > 0). */
static uint64_t rate_data_ns(const struct air_rate *c, uint32_t psdu_bits)
{
	uint32_t nsym = c->m * div_up(psdu_bits + c->extra, c->m * c->n_dbps);
	return (uint64_t)(c->sgi_round ? div_up(nsym * 9, 10) : nsym) * c->sym_ns;
}

/* A whole PPDU of psdu_len bytes (n_dbps > 0): VHT and HE PSDUs are
 * always A-MPDUs, one subframe here. */
static uint32_t ppdu_ns(const struct air_rate *c, size_t psdu_len)
{
	uint32_t bits = c->subframe ? (uint32_t)airtime_subframe_bits(psdu_len) : c->bpb * (uint32_t)psdu_len;
	return sat32(c->pre_ns + rate_data_ns(c, bits));
}

uint32_t airtime_ppdu_ns(const struct dec_rate *r, size_t len, int freq_mhz)
{
	/* Longer than any MPDU (11454 bytes) by far: a lying length field. */
	if (r->phy == PHY_NONE || len > AIR_MAX_PSDU)
		return 0;
	struct air_rate c;
	ppdu_fill(&c, r, freq_mhz);
	return c.n_dbps ? ppdu_ns(&c, len) : 0;
}

/* ---- the frame around the PPDU ---- */

#define ACK_LEN 14
#define BA_LEN 32		/* compressed Block Ack */

/* 2.4 GHz: SIFS 10 us, slot 20 us for DSSS senders (long slot), 9 us
 * for OFDM ones (short slot); 5 and 6 GHz: SIFS 16, slot 9. */
static uint32_t sifs_ns(int freq_mhz)
{
	return is_2g4(freq_mhz) ? 10000 : 16000;
}

static uint32_t slot_ns(const struct dec_rate *r, int freq_mhz)
{
	return is_2g4(freq_mhz) && r->phy == PHY_DSSS ? 20000 : 9000;
}

/* AIFSN of the default EDCA parameter set (9.4.2.29, stations): BK 7,
 * BE 3, VI 2, VO 2 by the TID's access category; DIFS is AIFSN 2. */
static unsigned aifsn_of_tid(int tid)
{
	static const uint8_t aifsn[8] = { 3, 7, 7, 3, 2, 2, 2, 2 };
	return tid >= 0 && tid < 8 ? aifsn[tid] : 2;
}

/*
 * A control response goes at the highest basic rate not above the
 * eliciting frame's (10.6.6.5). The BSS's basic rate set is not in the
 * capture; the mandatory rates stand for it: DSSS 1, 2, 5.5, 11 Mb/s
 * (same preamble), OFDM 6, 12, 24 Mb/s. HT, VHT and HE frames answer at
 * the mandatory OFDM rate of their MCS's modulation (BPSK 6, QPSK 12,
 * 16-QAM and up 24).
 */
static uint32_t response_ns(const struct dec_rate *r, size_t len, int freq_mhz)
{
	struct dec_rate resp = { .phy = PHY_OFDM };
	if (r->phy == PHY_DSSS) {
		resp = *r;
	} else if (r->phy == PHY_OFDM) {
		resp.rate = r->rate >= 48 ? 48 : r->rate >= 24 ? 24 : 12;
	} else {
		unsigned m = r->phy == PHY_HT ? r->mcs % 8 : r->mcs;
		resp.rate = r->phy == PHY_HT && r->mcs == 32 ? 12 : m == 0 ? 12 : m < 3 ? 24 : 48;
	}
	struct air_rate c;
	ppdu_fill(&c, &resp, freq_mhz);
	return ppdu_ns(&c, len);
}

static bool expects_ack(const struct air_frame *f)
{
	if (f->group)
		return false;
	if (f->type == 0)
		return f->subtype != 14;	/* Action No Ack */
	if (f->type == 1)
		return f->subtype == 10 || f->subtype == 8;	/* PS-Poll: ACK; BlockAckReq: Block Ack */
	return f->type == 2 && f->ack_policy == 0;
}

/* ---- a rate's constants, worked out once per rate and band ---- */

/* The key reads dec_rate's fields phy..ldpc as two words: no padding
 * among them, and none of them per frame (ampdu_ref comes later). */
_Static_assert(offsetof(struct dec_rate, ldpc) == 15 && offsetof(struct dec_rate, dcm) == 16,
	       "dec_rate's rate fields are bytes 0..16");

static void rate_fill(struct air_rate *c, const struct dec_rate *r, int freq_mhz)
{
	memset(c->memo, 0, sizeof c->memo);
	c->sifs = sifs_ns(freq_mhz);
	c->slot = slot_ns(r, freq_mhz);
	c->ack_ns = response_ns(r, ACK_LEN, freq_mhz);
	c->ba_ns = response_ns(r, BA_LEN, freq_mhz);
	ppdu_fill(c, r, freq_mhz);
}

static bool rate_is(const struct air_rate *c, uint64_t k0, uint64_t k1, uint32_t k2)
{
	return c->k0 == k0 && c->k1 == k1 && c->k2 == k2;
}

/* A rate not in the cache: work out its constants into the second slot
 * of the pair when the first is taken (kept off the frames' path). */
__attribute__((noinline, cold)) static struct air_rate *
rate_miss(struct air_rate *c, const struct dec_rate *r, int freq_mhz, uint64_t k0, uint64_t k1, uint32_t k2)
{
	rate_fill(c, r, freq_mhz);
	c->k0 = k0;
	c->k1 = k1;
	c->k2 = k2;
	return c;
}

/* Two slots a key may sit in, by its hash; a clash only works one out
 * again. A rate with a PHY (the only kind asked for) has k0 non-zero,
 * so an empty slot matches none. */
static inline struct air_rate *rate_of(struct air_cache *cache, const struct dec_rate *r, int freq_mhz)
{
	uint64_t k0, k1;
	memcpy(&k0, r, 8);
	memcpy(&k1, (const uint8_t *)r + 8, 8);
	uint32_t k2 = (uint32_t)r->dcm | (uint32_t)is_2g4(freq_mhz) << 1;
	uint64_t h = (k0 + k2 + k1 * 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL;
	struct air_rate *c = &cache->slot[h >> 58 & (AIR_CACHE_SLOTS - 2)];
	if (rate_is(c, k0, k1, k2))
		return c;
	if (rate_is(c + 1, k0, k1, k2))
		return c + 1;
	return rate_miss(c->k0 ? c + 1 : c, r, freq_mhz, k0, k1, k2);
}

/* A subframe: the symbols its bits add to the subframes' before it; the
 * first also the space before, the preamble and the Block Ack after
 * (when its ack policy asks for one). */
static uint32_t subframe_ns(const struct air_frame *f, const struct air_rate *c, uint32_t ifs)
{
	uint32_t before = (uint32_t)f->ampdu_bits_before;
	uint64_t t = rate_data_ns(c, before + (uint32_t)airtime_subframe_bits(f->psdu_len));
	if (before)
		return sat32(t - rate_data_ns(c, before));
	t += ifs + c->pre_ns;
	if (!f->group && f->type == 2 && f->ack_policy == 0)
		t += c->sifs + c->ba_ns;
	return sat32(t);
}

bool airtime_rate_known(struct air_cache *cache, const struct dec_rate *r, int freq_mhz, size_t len)
{
	if (r->phy == PHY_NONE || len > AIR_MAX_PSDU)
		return false;
	/* Any DSSS or OFDM rate will do. */
	if (r->phy < PHY_HT)
		return true;
	return rate_of(cache, r, freq_mhz)->n_dbps != 0;
}

/* A frame's time from its rate's constants c. */
static inline bool frame_ns_at(const struct air_frame *f, const struct air_rate *c, uint32_t *ns)
{
	const struct dec_rate *r = f->rate;
	if (!c->n_dbps)
		return false;
	bool response = f->type == 1 && (f->subtype == 13 || f->subtype == 12 || f->subtype == 9);
	uint32_t ifs = response ? c->sifs : c->sifs + aifsn_of_tid(f->tid) * c->slot;
	if (r->ampdu && r->phy >= PHY_HT) {
		*ns = subframe_ns(f, c, ifs);
		return true;
	}
	uint64_t t = (uint64_t)ifs + ppdu_ns(c, f->psdu_len);
	if (expects_ack(f))
		t += c->sifs + (f->type == 1 && f->subtype == 8 ? c->ba_ns : c->ack_ns);
	*ns = sat32(t);
	return true;
}

/* Everything but the rate that a whole PPDU's time depends on, as one
 * key (psdu_len < 2^16 here); bit 63 set: never an empty slot's 0. */
static uint64_t frame_key(const struct air_frame *f)
{
	return (uint64_t)f->psdu_len | (uint64_t)f->type << 16 | (uint64_t)f->subtype << 24 |
	       (uint64_t)f->group << 32 | (uint64_t)(uint8_t)(f->tid + 1) << 40 |
	       (uint64_t)(uint8_t)f->ack_policy << 48 | 1ULL << 63;
}

/* frame_ns_at() through the rate's memo of recent frames: a capture's
 * frames at one rate come in a handful of lengths and kinds. A-MPDU
 * subframes depend on the subframes before them: never memoised. */
static inline bool frame_ns_memo(const struct air_frame *f, struct air_rate *c, uint32_t *ns)
{
	if (f->rate->ampdu || !c->n_dbps)
		return frame_ns_at(f, c, ns);
	uint64_t k = frame_key(f);
	struct air_memo *m = &c->memo[(k * 0x9e3779b97f4a7c15ULL) >> (64 - AIR_MEMO_LOG2)];
	if (m->key != k) {
		frame_ns_at(f, c, &m->ns);
		m->key = k;
	}
	*ns = m->ns;
	return true;
}

/* Without a cache: the constants worked out for this frame alone (kept
 * apart, so the cached path needs no room for them). */
__attribute__((noinline)) static bool frame_ns_uncached(const struct air_frame *f, uint32_t *ns)
{
	struct air_rate c;
	rate_fill(&c, f->rate, f->freq_mhz);
	return frame_ns_at(f, &c, ns);
}

bool airtime_frame_ns(const struct air_frame *f, uint32_t *ns)
{
	const struct dec_rate *r = f->rate;
	if (r->phy == PHY_NONE || f->psdu_len > AIR_MAX_PSDU)
		return false;
	if (!f->cache)
		return frame_ns_uncached(f, ns);
	return frame_ns_memo(f, rate_of(f->cache, r, f->freq_mhz), ns);
}
