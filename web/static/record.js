/* Recording from the microphone into a form: the panel's complaint form, the
 * agency's answer in the panel's complaint view, the public page's Suara
 * Warga.  Every <fieldset class="recorder"> is one recorder; its controls
 * are the elements with the ids PREFIX-start, -stop, -level, -time,
 * -preview, -discard and -status (PREFIX from data-prefix, default "rec").
 * getUserMedia -> Web Audio (an AudioWorklet, or a ScriptProcessor where
 * worklets are missing) -> mono PCM in memory with a level meter -> stop ->
 * a preview player -> a 16-bit mono WAV that is put into the enclosing
 * form's file field "audio", so it is uploaded by the same form and the same
 * POST as a chosen file.  (WAV rather than MediaRecorder's WebM: every
 * station reads it, its length is exact, and the take can be resampled.)
 * Recording again replaces the take.  Browsers allow the microphone only on
 * https:// or on localhost. */
'use strict';
(function () {
  var S = Siaran;
  var en = {
    rec_legend: 'Record from microphone', rec_start: 'Record', rec_again: 'Record again',
    rec_stop: 'Stop', rec_discard: 'Discard recording', rec_level: 'Level',
    rec_hint: 'Record the call, listen to it, then fill in the form and upload.',
    rec_insecure: 'The browser allows the microphone only when the panel is opened over https:// or on localhost.',
    rec_denied: 'The microphone could not be opened: ', rec_ready: 'Recording ready: ',
    rec_too_long: 'Recording stopped at the length limit.', rec_recording: 'Recording…',
    ans_legend: "Record the agency's answer from the microphone",
    ans_hint: 'Record the answer (or play it from a phone into the microphone), listen to it, record again if needed.'
  };
  var id = {
    rec_again: 'Rekam ulang', rec_denied: 'Mikrofon tidak bisa dibuka: ', rec_ready: 'Rekaman siap: ',
    rec_too_long: 'Perekaman berhenti pada batas panjang.', rec_recording: 'Merekam…', rec_level: 'Tingkat suara',
    rec_insecure: 'Peramban hanya mengizinkan mikrofon bila panel dibuka lewat https:// atau di localhost.'
  };
  var MAX_SECONDS = 20 * 60; /* 20 min at 24 kHz is about 58 MB of WAV */
  var original = {};

  function english() { return document.documentElement.lang === 'en'; }
  function t(key) {
    if (english() && en[key]) return en[key];
    return original[key] || id[key] || en[key];
  }
  function translate() {
    var nodes = document.querySelectorAll('[data-r]');
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].getAttribute('data-r');
      if (!(key in original)) original[key] = nodes[i].textContent;
      nodes[i].textContent = t(key);
    }
  }
  function clock(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ':' + ('0' + (s % 60)).slice(-2);
  }
  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function join(chunks, frames) {
    var out = new Float32Array(frames);
    var at = 0;
    chunks.forEach(function (c) { out.set(c, at); at += c.length; });
    return out;
  }

  /* Low-pass below the new Nyquist frequency (a 63-tap windowed sinc at
   * 0.45 of the new rate), then every second sample. */
  function halve(input) {
    var taps = 63, half = (taps - 1) / 2, cutoff = 0.45 / 2; /* of the input rate */
    var h = new Float32Array(taps), sum = 0;
    for (var k = 0; k < taps; k++) {
      var n = k - half;
      var sinc = n === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * n) / (Math.PI * n);
      var blackman = 0.42 - 0.5 * Math.cos(2 * Math.PI * k / (taps - 1)) +
        0.08 * Math.cos(4 * Math.PI * k / (taps - 1));
      h[k] = sinc * blackman;
      sum += h[k];
    }
    for (k = 0; k < taps; k++) h[k] /= sum;
    var out = new Float32Array(Math.floor(input.length / 2));
    for (var i = 0; i < out.length; i++) {
      var centre = 2 * i, acc = 0;
      for (k = 0; k < taps; k++) {
        var j = centre + k - half;
        if (j >= 0 && j < input.length) acc += input[j] * h[k];
      }
      out[i] = acc;
    }
    return out;
  }

  /* A RIFF/WAVE file: 16-bit little-endian PCM, one channel. */
  function wav(samples, rate) {
    var bytes = samples.length * 2;
    var view = new DataView(new ArrayBuffer(44 + bytes));
    function ascii(at, s) { for (var i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i)); }
    ascii(0, 'RIFF');
    view.setUint32(4, 36 + bytes, true);
    ascii(8, 'WAVE');
    ascii(12, 'fmt ');
    view.setUint32(16, 16, true);      /* fmt chunk size */
    view.setUint16(20, 1, true);       /* PCM */
    view.setUint16(22, 1, true);       /* mono */
    view.setUint32(24, rate, true);
    view.setUint32(28, rate * 2, true); /* bytes per second */
    view.setUint16(32, 2, true);       /* bytes per frame */
    view.setUint16(34, 16, true);      /* bits per sample */
    ascii(36, 'data');
    view.setUint32(40, bytes, true);
    for (var i = 0; i < samples.length; i++) {
      var v = Math.max(-1, Math.min(1, samples[i]));
      view.setInt16(44 + 2 * i, v < 0 ? Math.round(v * 32768) : Math.round(v * 32767), true);
    }
    return new Blob([view.buffer], { type: 'audio/wav' });
  }

  /* One recorder: its fieldset, its form and the recording in progress. */
  function Recorder(fieldset) {
    var prefix = fieldset.getAttribute('data-prefix') || 'rec';
    var form = fieldset.form || fieldset.closest('form');
    var session = null; /* the recording in progress */
    var previewUrl = null;

    function $(name) { return document.getElementById(prefix + '-' + name); }
    /* the public page asks for less: its uploads have a smaller limit */
    function maxSeconds() { return Number(fieldset.getAttribute('data-max-seconds')) || MAX_SECONDS; }
    function maxRate() { return Number(fieldset.getAttribute('data-max-rate')) || 24000; }
    function status(message, isError) {
      var el = $('status');
      S.text(el, message);
      el.className = isError ? 'error' : 'muted';
    }
    /* "Record" becomes "Record again" once there is a take */
    function label(again) {
      $('start').setAttribute('data-r', again ? 'rec_again' : 'rec_start');
      if (again && !('rec_again' in original)) original.rec_again = id.rec_again;
      S.text($('start'), t(again ? 'rec_again' : 'rec_start'));
    }

    /* Chunks arrive from the audio thread; the meter shows the loudest recent
     * peak on a 60 dB scale, redrawn once per animation frame. */
    function onChunk(samples, peak) {
      if (!session) return;
      session.chunks.push(samples);
      session.frames += samples.length;
      session.peak = Math.max(session.peak, peak);
      if (session.frames >= maxSeconds() * session.rate) {
        status(t('rec_too_long'));
        stop();
      }
    }
    function drawMeter() {
      if (!session) return;
      var db = session.peak > 0 ? 20 * Math.log10(session.peak) : -60;
      $('level').value = Math.max(0, Math.min(1, (db + 60) / 60));
      S.text($('time'), clock(session.frames / session.rate));
      session.peak *= 0.85; /* a falling needle */
      requestAnimationFrame(drawMeter);
    }

    function connectWorklet(context, source) {
      return context.audioWorklet.addModule('/static/record_worklet.js').then(function () {
        var node = new AudioWorkletNode(context, 'siaran-recorder');
        var s = session;
        node.port.onmessage = function (e) {
          onChunk(e.data.samples, e.data.peak);
          if (e.data.last) s.done();
        };
        source.connect(node);
        /* a worklet with no path to the destination is not pulled by
         * some browsers: connect through a muted gain */
        var mute = context.createGain();
        mute.gain.value = 0;
        node.connect(mute);
        mute.connect(context.destination);
        s.node = node;
      });
    }
    function connectScriptProcessor(context, source) {
      var node = context.createScriptProcessor(4096, 1, 1);
      node.onaudioprocess = function (e) {
        var input = e.inputBuffer.getChannelData(0);
        var copy = new Float32Array(input);
        var peak = 0;
        for (var i = 0; i < copy.length; i++) peak = Math.max(peak, Math.abs(copy[i]));
        onChunk(copy, peak);
      };
      source.connect(node);
      node.connect(context.destination); /* outputs silence */
      session.node = node;
      return Promise.resolve();
    }

    function start() {
      clearRecording();
      form.elements.audio.value = ''; /* no stale take if this one fails */
      $('start').disabled = true;
      navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: true, channelCount: 1 }
      }).then(function (stream) {
        var Context = window.AudioContext || window.webkitAudioContext;
        var context = new Context();
        var source = context.createMediaStreamSource(stream);
        session = { stream: stream, context: context, source: source, chunks: [], frames: 0,
                    peak: 0, rate: context.sampleRate, node: null, done: null };
        session.stopped = new Promise(function (resolve) { session.done = resolve; });
        var connect = context.audioWorklet ? connectWorklet(context, source)
          : connectScriptProcessor(context, source);
        return connect.then(function () {
          $('stop').disabled = false;
          $('level').hidden = false;
          status(t('rec_recording'));
          requestAnimationFrame(drawMeter);
        });
      }).catch(function (e) {
        release();
        $('start').disabled = false;
        status(t('rec_denied') + (e && e.message ? e.message : e), true);
      });
    }

    function release() {
      if (!session) return;
      session.stream.getTracks().forEach(function (track) { track.stop(); });
      if (session.context.state !== 'closed') session.context.close();
      session = null;
    }

    function stop() {
      if (!session || session.stopping) return;
      var s = session;
      s.stopping = true;
      $('stop').disabled = true;
      /* the worklet sends what it still holds, then the end mark */
      var flushed = Promise.resolve();
      if (s.node && s.node.port) {
        s.node.port.postMessage('stop');
        flushed = Promise.race([s.stopped, wait(1000)]);
      }
      flushed.then(function () {
        if (s.abandoned) return;
        var rate = s.rate;
        var samples = join(s.chunks, s.frames);
        release();
        $('start').disabled = false;
        $('level').value = 0;
        if (samples.length === 0) return;
        /* phone-quality speech needs no more than 24 kHz (the public page:
         * 16 kHz): each halving of the rate halves the upload */
        while (rate > maxRate()) {
          samples = halve(samples);
          rate = rate / 2;
        }
        useRecording(wav(samples, rate), samples.length / rate);
      });
    }

    /* The recording becomes the form's file, as if it had been chosen. */
    function useRecording(blob, seconds) {
      var stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
      var file = new File([blob], 'rekaman-' + stamp + '.wav', { type: 'audio/wav' });
      var input = form.elements.audio;
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      previewUrl = URL.createObjectURL(blob);
      var player = $('preview');
      player.src = previewUrl;
      player.hidden = false;
      $('discard').hidden = false;
      label(true);
      S.text($('time'), clock(seconds));
      status(t('rec_ready') + file.name + ' (' + clock(seconds) + ')');
    }

    function clearRecording() {
      var player = $('preview');
      player.pause();
      player.removeAttribute('src');
      player.hidden = true;
      $('discard').hidden = true;
      label(false);
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = null;
      S.text($('time'), '');
      status('');
    }

    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia ||
        !window.DataTransfer) {
      $('start').disabled = true;
      status(t('rec_insecure'));
      return;
    }
    $('start').addEventListener('click', start);
    $('stop').addEventListener('click', stop);
    $('discard').addEventListener('click', function () {
      form.elements.audio.value = '';
      clearRecording();
    });
    /* A form reset (an upload, a cancel) ends a recording in progress
     * without keeping it. */
    function abandon() {
      if (session) {
        session.abandoned = true;
        release();
        $('start').disabled = false;
        $('stop').disabled = true;
        $('level').value = 0;
      }
      clearRecording();
    }
    /* a file chosen by hand replaces the recording; an upload clears it */
    form.elements.audio.addEventListener('change', clearRecording);
    form.addEventListener('reset', abandon);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var sets = document.querySelectorAll('fieldset.recorder');
    if (!sets.length) return;
    translate();
    document.addEventListener('siaran-lang', translate);
    for (var i = 0; i < sets.length; i++) {
      if (sets[i].form || sets[i].closest('form')) Recorder(sets[i]);
    }
  });
})();
