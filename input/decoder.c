/* A network stream's decoder (see decoder.h). */
#define LOG_MODULE "input"
#include <libavcodec/avcodec.h>
#include <libswresample/swresample.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "input/decoder.h"

void decoder_close(struct input_decoder *d)
{
        swr_free(&d->swr);
        avcodec_free_context(&d->codec);
        avformat_close_input(&d->format);
        av_packet_free(&d->packet);
        av_frame_free(&d->frame);
        free(d->out);
        memset(d, 0, sizeof *d);
}

static bool header_knows_audio(const AVFormatContext *format)
{
        for (unsigned i = 0; i < format->nb_streams; i++) {
                const AVCodecParameters *cp = format->streams[i]->codecpar;
                if (cp->codec_type == AVMEDIA_TYPE_AUDIO && cp->sample_rate > 0 &&
                    cp->ch_layout.nb_channels > 0)
                        return true;
        }
        return false;
}

int decoder_open(struct input_decoder *d, int rate, AVFormatContext *format,
                 const char *url, const AVInputFormat *input_format,
                 AVDictionary **options, const char **errstr)
{
        memset(d, 0, sizeof *d);
        d->rate = rate;
        d->format = format;
        if (avformat_open_input(&d->format, url, input_format, options) < 0) {
                d->format = NULL; /* freed by avformat_open_input */
                *errstr = "cannot open the stream";
                goto fail;
        }
        if (!header_knows_audio(d->format) &&
            avformat_find_stream_info(d->format, NULL) < 0) {
                *errstr = "cannot read the stream's format";
                goto fail;
        }
        const AVCodec *decoder = NULL;
        d->index =
            av_find_best_stream(d->format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
        if (d->index < 0 || !decoder) {
                *errstr = "no audio in the stream";
                goto fail;
        }
        d->codec = avcodec_alloc_context3(decoder);
        if (!d->codec ||
            avcodec_parameters_to_context(d->codec,
                                          d->format->streams[d->index]->codecpar) < 0 ||
            avcodec_open2(d->codec, decoder, NULL) < 0) {
                *errstr = "cannot decode the stream";
                goto fail;
        }
        d->packet = av_packet_alloc();
        d->frame = av_frame_alloc();
        if (!d->packet || !d->frame) {
                *errstr = "out of memory";
                goto fail;
        }
        return 0;
fail:
        decoder_close(d);
        return -1;
}

/* (Re)creates the converter when the decoded format changes mid-stream, as
 * a chained Ogg stream may. */
static int decoder_prepare_swr(struct input_decoder *d)
{
        AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
        AVChannelLayout in;
        if (d->frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC ||
            av_channel_layout_check(&d->frame->ch_layout) == 0)
                av_channel_layout_default(&in, d->frame->ch_layout.nb_channels);
        else if (av_channel_layout_copy(&in, &d->frame->ch_layout) < 0)
                return -1;
        swr_free(&d->swr);
        int rc = swr_alloc_set_opts2(&d->swr, &stereo, AV_SAMPLE_FMT_FLT, d->rate, &in,
                                     d->frame->format, d->frame->sample_rate, 0, NULL);
        av_channel_layout_uninit(&in);
        if (rc < 0 || swr_init(d->swr) < 0) {
                swr_free(&d->swr);
                return -1;
        }
        return 0;
}

static int decoder_push_frame(struct input_decoder *d, struct input_feed *feed)
{
        if (d->frame->sample_rate < 1 || d->frame->ch_layout.nb_channels < 1)
                return -1;
        if (!d->swr || swr_is_initialized(d->swr) <= 0 ||
            d->frame->sample_rate != d->codec->sample_rate) {
                if (decoder_prepare_swr(d) < 0)
                        return -1;
        }
        int room = swr_get_out_samples(d->swr, d->frame->nb_samples);
        if (room < 0)
                return -1;
        if (room > d->out_frames) {
                free(d->out);
                d->out = xcalloc((size_t)room * 2, sizeof *d->out);
                d->out_frames = room;
        }
        uint8_t *out = (uint8_t *)d->out;
        int n = swr_convert(d->swr, &out, room, (const uint8_t **)d->frame->extended_data,
                            d->frame->nb_samples);
        if (n < 0)
                return -1;
        feed_push(feed, d->out, (size_t)n);
        return 0;
}

int decoder_step(struct input_decoder *d, struct input_feed *feed)
{
        if (av_read_frame(d->format, d->packet) < 0)
                return -1;
        int pushed = 0;
        if (d->packet->stream_index == d->index &&
            avcodec_send_packet(d->codec, d->packet) >= 0) {
                while (avcodec_receive_frame(d->codec, d->frame) >= 0) {
                        if (decoder_push_frame(d, feed) == 0)
                                pushed = 1;
                        av_frame_unref(d->frame);
                }
        }
        av_packet_unref(d->packet);
        return pushed;
}

void decoder_describe(const struct input_decoder *d, char *out, size_t size)
{
        const char *container =
            d->format && d->format->iformat ? d->format->iformat->name : "?";
        const char *codec = d->codec ? avcodec_get_name(d->codec->codec_id) : "?";
        snprintf(out, size, "%.*s/%s", (int)strcspn(container, ","), container, codec);
}
