# Siaran: one plain GNU Makefile.  Everything but main.c goes into libsiaran.a,
# which ./siaran and every test program link.

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
PKGS = shout vorbis vorbisenc ogg vorbisfile sndfile sqlite3 libmicrohttpd soxr \
       libebur128 libsodium jansson inih espeak-ng opus libopusenc \
       libavformat libavcodec libswresample libavutil libcurl
CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -pthread -MMD -MP -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ifeq ($(CI),true)
override CFLAGS += -Werror
endif
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lmp3lame -lm -pthread

MODULES = common media encoder input playout scheduler alerts archive web
LIB_SRC = $(wildcard $(addsuffix /*.c,$(MODULES)))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/replay_%)
FUZZ_SECONDS ?= 60
TOOL_SRC = $(wildcard tools/*.c)
TOOL_BIN = $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

.PHONY: all deps run test asan bench install clean format tests-build fuzz soak memcheck

all: siaran $(TOOL_BIN)

# Each build folder has its own binary (the sanitizer build must not replace
# the one other runs use); ./siaran is a copy of the default build's.
siaran: $(BUILD)/siaran
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/siaran: $(BUILD)/main.o $(BUILD)/libsiaran.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/libsiaran.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The pages are compiled in: web/assets.c is written from web/static/ (and kept
# in git, formatted like the rest when clang-format is there), so an edited page
# can never be served stale.
web/assets.c: $(wildcard web/static/*)
	python3 web/static/gen_assets.py
	-@command -v clang-format >/dev/null && clang-format -i $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(BUILD)/libsiaran.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libsiaran.a $(LDFLAGS) $(LDLIBS) -lcmocka

$(BUILD)/tools/%: tools/%.c $(BUILD)/libsiaran.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libsiaran.a $(LDFLAGS) $(LDLIBS)

# The fuzz targets, built with a plain main() that replays files: how the
# corpus and crash reproducers run as regression tests in `make test`.
$(BUILD)/tests/replay_%: tests/fuzz/%.c tests/fuzz/driver.c $(BUILD)/libsiaran.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< tests/fuzz/driver.c $(BUILD)/libsiaran.a $(LDFLAGS) $(LDLIBS)

tests-build: $(BUILD)/siaran $(TEST_BIN) $(TOOL_BIN) $(FUZZ_REPLAY)

# libFuzzer (clang): each target for FUZZ_SECONDS, growing its corpus.
# FUZZ_TARGETS="fuzz_http fuzz_m3u" runs only those.
FUZZ_TARGETS ?= $(basename $(notdir $(FUZZ_SRC)))
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" build-fuzz/libsiaran.a
	@set -e; for name in $(FUZZ_TARGETS); do \
		src=tests/fuzz/$$name.c; \
		clang $(FUZZ_FLAGS:fuzzer-no-link=fuzzer) -std=gnu11 -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
			-fsanitize=fuzzer -o build-fuzz/$$name $$src build-fuzz/libsiaran.a $(LDLIBS); \
		corpus=tests/fuzz/corpus/$${name#fuzz_}; mkdir -p $$corpus build-fuzz/new-$$name; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		build-fuzz/$$name -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=tests/fuzz/corpus/$${name#fuzz_}/ build-fuzz/new-$$name $$corpus; \
	done

# Debian packages for building, running and testing.  Idempotent and quick
# when everything is present.
DEB_PKGS = build-essential pkg-config libshout3-dev libvorbis-dev libogg-dev \
  libsndfile1-dev libsqlite3-dev sqlite3 libmicrohttpd-dev libsoxr-dev libebur128-dev \
  libsodium-dev libjansson-dev libinih-dev libespeak-ng-dev libcmocka-dev libopus-dev \
  libopusenc-dev libmp3lame-dev icecast2 ffmpeg sox vorbis-tools espeak-ng curl \
  python3 chromium nodejs wrk valgrind clang libclang-rt-14-dev \
  opus-tools lame bc libavformat-dev libavcodec-dev libswresample-dev libavutil-dev \
  libcurl4-openssl-dev libopencore-amrnb0 python3-feedparser
deps:
	@tools/deps.sh $(DEB_PKGS)
	@tests/browser/install.sh

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run-demo.sh

test: deps
	@$(MAKE) --no-print-directory siaran tests-build
	@tests/run

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" LDFLAGS="-fsanitize=address,undefined" tests-build
	@SIARAN_BUILD=build-asan ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp tests/run

bench: deps
	@$(MAKE) --no-print-directory all
	@tools/bench.sh
	@tools/bench_outputs.sh
	@tools/bench_archive.sh

# Long runs (hours): 24 h rendered unpaced, and real-time streaming under load.
soak: deps
	@$(MAKE) --no-print-directory all
	@tools/soak.sh

# Valgrind memcheck of a 10-minute render (several minutes).
memcheck: deps
	@$(MAKE) --no-print-directory all
	@tools/memcheck.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/siaran $(DESTDIR)/etc/siaran
	install -m 755 siaran $(DESTDIR)$(PREFIX)/bin/siaran
	install -m 644 docs/siaran.conf.example $(DESTDIR)$(PREFIX)/share/siaran/siaran.conf.example
	install -m 644 docs/siaran.service $(DESTDIR)$(PREFIX)/share/siaran/siaran.service
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 man/siaran.1 $(DESTDIR)$(PREFIX)/share/man/man1/siaran.1
	install -m 644 man/siaran.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/siaran.conf.5

format:
	clang-format -i $(wildcard */*.c */*.h) main.c

clean:
	rm -rf build build-asan build-fuzz siaran siaran_*.deb

# ---- the Debian package (debian/, tools/build-deb.sh) ---------------------------
# debhelper builds it, lintian checks it, tests/it_package.sh installs and
# purges it; npm for the browser suite's playwright-core; man-db for `man`.
DEB_PKGS += npm debhelper lintian dpkg-dev fakeroot man-db
.PHONY: deb
deb: deps
	@tools/build-deb.sh

-include $(LIB_OBJ:.o=.d) $(BUILD)/main.d $(TEST_BIN:=.d) $(TOOL_BIN:=.d)
