/*
 * sink.c: the public sink calls, dispatched to the sink plugins with
 * defaults for the optional members.
 */
#define LOG_MODULE "sink"

#include <string.h>

#include "encoder/plugin.h"

int sink_write(struct sink *sink, const unsigned char *data, size_t len)
{
        return sink->plugin->write(sink, data, len);
}

bool sink_wants_new_stream(struct sink *sink)
{
        return sink->plugin->wants_new_stream ? sink->plugin->wants_new_stream(sink)
                                              : false;
}

void sink_set_title(struct sink *sink, const char *title, const char *artist)
{
        if (sink->plugin->set_title)
                sink->plugin->set_title(sink, title, artist);
}

void sink_get_status(struct sink *sink, struct sink_status *status)
{
        memset(status, 0, sizeof *status);
        sink->plugin->get_status(sink, status);
}

const char *sink_name(const struct sink *sink)
{
        return sink->name ? sink->name : "";
}

const char *sink_mount(const struct sink *sink)
{
        return sink->mount ? sink->mount : "";
}

void sink_free(struct sink *sink)
{
        if (sink)
                sink->plugin->free(sink);
}
