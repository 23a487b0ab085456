// C shim for libmicrohttpd and yajl. Swift cannot call C variadic functions, so the few variadic
// entry points get fixed-arity `static inline` wrappers here, prefixed `chttp_`. No logic lives here.
#ifndef CHTTP_H
#define CHTTP_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

/// Configures a yajl generator flag (yajl_gen_config is variadic).
static inline int chttp_yajl_gen_set_flag(yajl_gen gen, yajl_gen_option option, int enabled) {
    return yajl_gen_config(gen, option, enabled);
}

/// Configures a yajl parser flag (yajl_config is variadic).
static inline int chttp_yajl_set_flag(yajl_handle handle, yajl_option option, int enabled) {
    return yajl_config(handle, option, enabled);
}

#endif
