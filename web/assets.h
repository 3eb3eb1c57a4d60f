/*
 * assets: the dashboard's files, compiled into the binary from web/static
 * by web/gen-assets.sh. The table ends with a NULL name.
 */
#ifndef HEADROOM_WEB_ASSETS_H
#define HEADROOM_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *name;
	const unsigned char *data;
	size_t len;
};

extern const struct web_asset web_assets[];

#endif
