/* Private to input/: one network stream demuxed and decoded by libavformat
 * and libavcodec, converted to the station format by libswresample and
 * pushed into a feed.  Shared by the relay (a url) and the live input (a
 * socket behind a custom AVIOContext).  Used by one thread at a time. */
#ifndef SIARAN_INPUT_DECODER_H
#define SIARAN_INPUT_DECODER_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <stdbool.h>

#include "input/feed.h"

struct input_decoder {
        AVFormatContext *format;
        AVCodecContext *codec;
        struct SwrContext *swr;
        AVPacket *packet;
        AVFrame *frame;
        int index;
        int rate; /* the station's */
        float *out;
        int out_frames;
};

/* Opens the stream in format (allocated by the caller, with its interrupt
 * callback and, for a custom source, its pb; freed here on failure), from
 * url (NULL with a custom pb), forced to input_format when not NULL.
 * options as avformat_open_input takes them (not freed).  The stream info
 * is only probed when the container's header does not give the audio's
 * rate and channels (so a live stream starts without waiting).  Returns 0,
 * or -1 with a static reason in *errstr; the decoder is then empty. */
int decoder_open(struct input_decoder *decoder, int rate, AVFormatContext *format,
                 const char *url, const AVInputFormat *input_format,
                 AVDictionary **options, const char **errstr);

/* Reads one packet and pushes what it decodes into feed.  Returns 1 when
 * audio was pushed, 0 when not (another stream's packet, a decoding error),
 * -1 at the end of the stream or on a read error. */
int decoder_step(struct input_decoder *decoder, struct input_feed *feed);

/* "ogg/vorbis", "mp3/mp3", ...: the container and the codec. */
void decoder_describe(const struct input_decoder *decoder, char *out, size_t size);

void decoder_close(struct input_decoder *decoder);

#endif
