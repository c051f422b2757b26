/* The recorder's audio worklet (runs on the audio thread): mixes the
 * microphone to mono and hands the samples to record.js in blocks of 4096
 * frames, with the block's peak for the level meter.  Batching keeps the
 * message rate low (about 12 a second at 48 kHz instead of 375). */
'use strict';
class SiaranRecorder extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(4096);
    this.used = 0;
    this.running = true;
    this.port.onmessage = (e) => {
      if (e.data === 'stop') {
        /* the tail that did not fill a block, then the end mark */
        this.flush(true);
        this.running = false;
      }
    };
  }

  flush(last) {
    const samples = this.block.slice(0, this.used);
    let peak = 0;
    for (let i = 0; i < samples.length; i++) {
      const a = Math.abs(samples[i]);
      if (a > peak) peak = a;
    }
    this.port.postMessage({ samples: samples, peak: peak, last: last }, [samples.buffer]);
    this.used = 0;
  }

  process(inputs) {
    if (!this.running) return false;
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const frames = input[0].length;
    const channels = input.length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += input[c][i];
      this.block[this.used++] = sum / channels;
      if (this.used === this.block.length) this.flush(false);
    }
    return true;
  }
}
registerProcessor('siaran-recorder', SiaranRecorder);
