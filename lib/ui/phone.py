"""The phone's own browser code: the round header with a countdown that ticks in the browser, and the
script that keeps what a scribe types in the browser's localStorage until the server has stored it.

Both run in the page itself (`st.html(..., unsafe_allow_javascript=True)`), not in an iframe: the
draft script must reach the contribution form's text area. User text never goes into the markup
unescaped: the header escapes it, and the script's settings are JSON.

The draft script, per session and group:
- every keystroke in the contribution box is written to localStorage with a random submit key made
  in the browser; the key is put into the form's hidden "client key" field, so the server can
  recognise a submit it already stored (a double tap, a retry after a dropped connection);
- a text box that appears empty (a reload, a reconnect, a phone back from its lock screen) gets the
  draft back; a draft is dropped once the server reports its key as stored;
- the box has the browser's own `maxlength`, so a paste over the limit is cut (not refused), and the
  phone says how much was left out;
- a second tap within 1.5 s never reaches Streamlit (also not on the fresh form that replaced the
  first), and the button is disabled for a moment after a tap, until the page has been drawn again.
"""

from __future__ import annotations

import datetime as dt
import html
import json

import streamlit as st

from lib.live import timer
from lib.live.phases import LiveView

TEXT_KEY = "contribution_text"  # widget keys start with these; a counter makes each form fresh
CLIENT_KEY = "ls_client_key"
SUBMIT_KEY = "contribution_submit"

CUT_MESSAGE = "Uw tekst was te lang: alleen de eerste {max} tekens zijn overgenomen ({over} weggelaten)."

_CSS = """
<style>
/* The phone: little room above the form, the hidden submit key out of sight. */
.block-container { padding-top: 3.4rem !important; padding-bottom: 2rem !important; }
[class*="st-key-ls_client_key"] { display: none !important; }
[data-testid="stElementContainer"]:has(#ls-draft) { display: none; }
.ls-round { font-size: 1rem; line-height: 1.35; margin: 0; }
.ls-round .ls-name { font-weight: 700; font-size: 1.15rem; }
.ls-round .ls-countdown { font-variant-numeric: tabular-nums; font-weight: 700; white-space: nowrap;
  background: #12355b; color: #ffffff; border-radius: 6px; padding: 1px 8px; margin-left: 6px; }
.ls-round .ls-countdown.ls-over { background: #b3001b; }
.ls-cut { color: #8a2a00; font-size: 0.9rem; margin-top: 4px; }
</style>
"""

_TICK = """
<script>
(function () {
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function show(ms) {
    var over = ms < 0, s = over ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
    return (over ? "+" : "") + two(Math.floor(s / 60)) + ":" + two(s % 60);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".ls-countdown").forEach(function (el) {
      var end = Number(el.dataset.end || 0), left = Number(el.dataset.left || 0) * 1000;
      var ms = end ? end - now : left;
      el.textContent = show(ms) + (el.dataset.paused ? " (pauze)" : "");
      el.classList.toggle("ls-over", ms < 0);
    });
  }
  if (!window.__lsTick) { window.__lsTick = setInterval(tick, 1000); }
  tick();
})();
</script>
"""

_DRAFT = """
<script id="ls-draft">
(function () {
  window.__lsPhoneCfg = __CONFIG__;
  var w = window;
  function cfg() { return w.__lsPhoneCfg; }
  function name() { return "leersessie-draft:" + cfg().scope; }
  function load() { try { return JSON.parse(w.localStorage.getItem(name()) || "null"); } catch (e) { return null; } }
  function save(d) {
    try {
      if (d && d.text) { w.localStorage.setItem(name(), JSON.stringify(d)); }
      else { w.localStorage.removeItem(name()); }
    } catch (e) { /* private mode: no draft, the form still works */ }
  }
  function newKey() {
    if (w.crypto && w.crypto.randomUUID) { return w.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }
  function setValue(el, value) {
    var proto = el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function box() { return document.querySelector('[class*="st-key-' + cfg().text + '"] textarea'); }
  function keyField() { return document.querySelector('[class*="st-key-' + cfg().client + '"] input'); }
  function forgetStored() {
    var d = load();
    if (d && cfg().stored.indexOf(d.key) >= 0) { save(null); }
  }
  function bind() {
    var ta = box();
    if (ta && !ta.dataset.lsBound) {
      ta.dataset.lsBound = "1";
      ta.setAttribute("maxlength", String(cfg().max));
      setTimeout(function () {  // after this run's settings (which may report the draft stored) are in
        forgetStored();
        var d = load();
        if (d && d.text && !ta.value) { setValue(ta, d.text); }
        var k = keyField();
        if (d && d.key && k && k.value !== d.key) { setValue(k, d.key); }
      }, 150);
    }
  }
  forgetStored();
  document.querySelectorAll("button[data-ls-busy]").forEach(function (b) {
    b.disabled = false;
    delete b.dataset.lsBusy;
  });
  if (!w.__lsPhone) {
    w.__lsPhone = true;
    document.addEventListener("input", function (ev) {
      var ta = ev.target;
      if (!ta || ta !== box()) { return; }
      var d = load() || {};
      if (!d.key) { d.key = newKey(); }
      d.text = ta.value;
      save(d);
      var k = keyField();
      if (k && k.value !== d.key) { setValue(k, d.key); }
    }, true);
    document.addEventListener("paste", function (ev) {
      var ta = ev.target;
      if (!ta || ta !== box() || !ev.clipboardData) { return; }
      var pasted = ev.clipboardData.getData("text") || "";
      var after = ta.value.length - (ta.selectionEnd - ta.selectionStart) + pasted.length;
      var over = after - cfg().max;
      var note = ta.parentElement.parentElement.querySelector(".ls-cut");
      if (over > 0) {
        if (!note) {
          note = document.createElement("div");
          note.className = "ls-cut";
          note.setAttribute("role", "status");
          ta.parentElement.parentElement.appendChild(note);
        }
        note.textContent = cfg().cut.replace("{max}", cfg().max).replace("{over}", over);
      } else if (note) { note.remove(); }
    }, true);
    document.addEventListener("click", function (ev) {
      var wanted = '[class*="st-key-' + cfg().submit + '"] button';
      var b = ev.target && ev.target.closest ? ev.target.closest(wanted) : null;
      if (!b) { return; }
      var now = Date.now();
      if (w.__lsLastTap && now - w.__lsLastTap < 1500) {  // the second tap of a double tap: not for Streamlit
        ev.preventDefault();
        ev.stopPropagation();
        return;
      }
      w.__lsLastTap = now;
      setTimeout(function () {  // after Streamlit has taken the click: a second tap finds it disabled
        b.disabled = true;
        b.dataset.lsBusy = "1";
        setTimeout(function () { b.disabled = false; delete b.dataset.lsBusy; }, 4000);
      }, 0);
    }, true);
    new MutationObserver(bind).observe(document.body, { childList: true, subtree: true });
  }
  bind();
})();
</script>
"""


def style() -> None:
    st.html(_CSS)


def round_header_html(view: LiveView, *, now: dt.datetime | None = None) -> str:
    """The round named once, its perspective and the time left (ticking in the browser).

    Built from the stored timer facts only, so it is the same markup until the aanjager pauses, adds
    time or moves on: the browser counts down by itself, the server is not asked every second.
    """
    plan = view.current or {}
    name = html.escape(str(plan.get("name", "")))
    perspective = html.escape(str(plan.get("perspective", "")))
    state = view.state
    ends = timer.ends_at(state)
    countdown = ""
    if state.in_round:
        if ends is not None:
            attributes = f'data-end="{int(ends.timestamp() * 1000)}"'
        else:  # paused: the time left is fixed
            left = int(timer.remaining(state, now or state.paused_at or dt.datetime.now(dt.UTC)))
            attributes = f'data-left="{left}" data-paused="1"'
        countdown = (
            f'<span class="ls-countdown" role="timer" aria-label="Resterende tijd van de ronde" {attributes}></span>'
        )
    return (
        f'<p class="ls-round"><span class="ls-name">{name}</span>{countdown}<br>'
        f"Perspectief: <strong>{perspective}</strong></p>" + _TICK
    )


def round_header(view: LiveView) -> None:
    st.html(round_header_html(view), unsafe_allow_javascript=True)


def draft_script(*, scope: str, text_key: str, client_key: str, stored: list[str], max_chars: int, run: int) -> str:
    config = {
        "scope": scope,
        "text": text_key,
        "client": client_key,
        "submit": SUBMIT_KEY,
        "stored": stored,
        "max": max_chars,
        "cut": CUT_MESSAGE,
        "run": run,  # a new run redraws the element, so the script re-enables the submit button
    }
    return _DRAFT.replace("__CONFIG__", json.dumps(config).replace("</", "<\\/"))


def keep_drafts(*, scope: str, text_key: str, client_key: str, stored: list[str], max_chars: int) -> None:
    """Bind the draft keeper to this run's contribution form (call before drawing the form)."""
    run = st.session_state.get("_ls_phone_run", 0) + 1
    st.session_state["_ls_phone_run"] = run
    st.html(
        draft_script(
            scope=scope, text_key=text_key, client_key=client_key, stored=stored, max_chars=max_chars, run=run
        ),
        unsafe_allow_javascript=True,
    )
