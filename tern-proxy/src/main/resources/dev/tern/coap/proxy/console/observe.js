// Observe (RFC 7641) through the gateway's Server-Sent Events: a live list of notifications and
// a plot of their numeric values. Every value is shown as text, never as markup.
import { diagnostic, numberOf } from './cbor.js';
import { hexDump, numericValue } from './formats.js';
import { gatewayUrl } from './gateway.js';

const MAX_ITEMS = 500;
const MAX_POINTS = 200;
const SVG = 'http://www.w3.org/2000/svg';

export class Observer {
  constructor(list, plot, state, button, onRefused) {
    this.list = list;
    this.plot = plot;
    this.state = state;
    this.button = button;
    this.onRefused = onRefused;
    this.source = null;
    this.points = [];
  }

  get active() {
    return this.source !== null;
  }

  start(uri) {
    this.stop();
    this.uri = uri;
    this.points = [];
    this.list.replaceChildren();
    this.draw();
    this.opened = false;
    const es = new EventSource(gatewayUrl(uri));
    this.source = es;
    this.button.textContent = 'Stop';
    this.button.classList.add('on');
    this.setState('registering ' + uri);
    es.onopen = () => {
      this.opened = true;
      this.setState('observing ' + uri);
    };
    es.onmessage = (e) => this.notified(e.lastEventId, e.data, numericValue(e.data));
    es.addEventListener('base64', (e) => {
      const bytes = Uint8Array.from(atob(e.data), (c) => c.charCodeAt(0));
      let shown;
      try {
        shown = diagnostic(bytes);
      } catch (err) {
        shown = hexDump(bytes, 64);
      }
      this.notified(e.lastEventId, shown, numberOf(bytes));
    });
    es.addEventListener('error', (e) => {
      if (es !== this.source) return;
      if (typeof e.data === 'string') { // the gateway's "event: error": the observation ended with an error code
        this.add(null, e.data, 'error');
        this.stop('ended: ' + e.data);
      } else if (es.readyState === EventSource.CLOSED) {
        const wasOpen = this.opened;
        this.stop(wasOpen ? 'the stream closed' : 'not observable or refused (see Response)');
        if (!wasOpen) this.onRefused(uri);
      } else {
        this.setState('connection lost, reconnecting ' + uri);
      }
    });
  }

  stop(why) {
    if (this.source) {
      this.source.close();
      this.source = null;
    }
    this.button.textContent = 'Observe';
    this.button.classList.remove('on');
    this.setState(why || 'not observing');
  }

  setState(text) {
    this.state.textContent = text;
  }

  notified(id, text, value) {
    this.add(id, text, value === undefined ? '' : 'numeric');
    if (value !== undefined && Number.isFinite(value)) {
      this.points.push(value);
      if (this.points.length > MAX_POINTS) this.points.shift();
      this.draw();
    }
  }

  add(id, text, cls) {
    const li = document.createElement('li');
    if (cls) li.className = cls;
    const time = new Date().toISOString().substring(11, 23);
    li.textContent = time + (id ? '  #' + id : '') + '  ' + text;
    this.list.insertBefore(li, this.list.firstChild);
    while (this.list.childElementCount > MAX_ITEMS) this.list.lastElementChild.remove();
  }

  draw() {
    const w = 600;
    const h = 200;
    const pad = 24;
    const svg = this.plot;
    svg.replaceChildren();
    const pts = this.points;
    const axis = document.createElementNS(SVG, 'path');
    axis.setAttribute('d', `M${pad} ${pad / 2} V${h - pad} H${w - 4}`);
    axis.setAttribute('stroke', '#9aa5b1');
    axis.setAttribute('fill', 'none');
    svg.appendChild(axis);
    if (pts.length === 0) {
      svg.appendChild(label(pad + 6, h / 2, 'numeric values appear here'));
      return;
    }
    let min = Math.min(...pts);
    let max = Math.max(...pts);
    if (min === max) {
      min -= 1;
      max += 1;
    }
    const span = Math.max(pts.length - 1, 19); // fills the width as points arrive, then scrolls
    const x = (i) => pad + (i * (w - pad - 10)) / span;
    const y = (v) => h - pad - ((v - min) / (max - min)) * (h - 1.5 * pad);
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', pts.map((v, i) => x(i).toFixed(1) + ',' + y(v).toFixed(1)).join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', '#0b6e99');
    line.setAttribute('stroke-width', '2');
    svg.appendChild(line);
    pts.forEach((v, i) => {
      const c = document.createElementNS(SVG, 'circle');
      c.setAttribute('class', 'point');
      c.setAttribute('cx', x(i).toFixed(1));
      c.setAttribute('cy', y(v).toFixed(1));
      c.setAttribute('r', '3');
      c.setAttribute('fill', '#0b6e99');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = String(v);
      c.appendChild(title);
      svg.appendChild(c);
    });
    svg.appendChild(label(2, pad / 2 + 4, String(max)));
    svg.appendChild(label(2, h - pad, String(min)));
  }
}

function label(x, y, text) {
  const t = document.createElementNS(SVG, 'text');
  t.setAttribute('x', String(x));
  t.setAttribute('y', String(y));
  t.setAttribute('font-size', '11');
  t.setAttribute('fill', '#5f6b77');
  t.textContent = text;
  return t;
}
