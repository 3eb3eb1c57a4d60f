/* Answers made on the spot (common headers, JSON, errors), counted; for every web file. */
#include "config.h"
#include "web/server.h"

#include "base/util.h"

#include <string.h>

void web_add_common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self'; "
				"script-src 'self'; connect-src 'self'; object-src 'none'; "
				"base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}

enum MHD_Result web_queue(struct web *w, struct MHD_Connection *conn, unsigned code,
			  struct MHD_Response *r)
{
	__atomic_add_fetch(&w->counters.responses[code / 100 <= 5 ? code / 100 : 0], 1,
			   __ATOMIC_RELAXED);
	return MHD_queue_response(conn, code, r);
}

struct MHD_Response *web_json_response(json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(doc);
	if (!text)
		text = xstrdup("{}");
	size_t len = strlen(text);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	web_add_common_headers(r);
	return r;
}

enum MHD_Result web_send_json(struct web *w, struct MHD_Connection *conn, unsigned code,
			      json_t *doc)
{
	struct MHD_Response *r = web_json_response(doc);
	enum MHD_Result ret = web_queue(w, conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result web_error_with(struct web *w, struct MHD_Connection *conn, unsigned code,
			       const char *msg, const char *header, const char *value)
{
	struct MHD_Response *r = web_json_response(json_pack("{s:s, s:i}", "error", msg,
							     "status", (int)code));
	if (header)
		MHD_add_response_header(r, header, value);
	enum MHD_Result ret = web_queue(w, conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result web_error(struct web *w, struct MHD_Connection *conn, unsigned code,
			  const char *msg)
{
	return web_error_with(w, conn, code, msg, NULL, NULL);
}
