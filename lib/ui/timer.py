"""The projector's countdown: a small HTML/JS widget that ticks in the browser from the stored timer state.

The HTML is built from the state only (plus the server's clock at the moment the state was first
drawn), so it stays byte-identical while nothing changes and the iframe is not reloaded every time the
fragment re-reads the database. It turns amber at 20 % left, red at 5 %, shows the overrun ("+01:23"),
can beep once at zero, and never moves the session on by itself: the aanjager decides.
"""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from lib.core import dates
from lib.live import timer
from lib.live.phases import LiveView

CLOSING_ALLOWANCE = dt.timedelta(minutes=10)  # time the afsluiting needs after the last round
AMBER_AT = 0.20
RED_AT = 0.05
_CACHE_KEY = "_timer_widget_html"

# Colours are explicit (the iframe does not inherit the theme); every pair is ≥ 4.5:1, most ≥ 7:1.
_TEMPLATE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Timer</title>
<style>
  html, body { margin: 0; padding: 0; background: transparent; font-family: system-ui, sans-serif; }
  /* Everything scales with the iframe's width (its column), so the digits never clip: bold digits are up
     to 0.7 em wide, so "10:00" needs about 3.2 em and "+10:00" 4.1 em of the box's 94vw. */
  .box { border-radius: 14px; padding: 1.5vw 3vw 2.5vw 3vw; display: flex; flex-direction: column;
         align-items: flex-start; gap: 0.5vw; background: #12355b; color: #ffffff; box-sizing: border-box;
         width: 100%; overflow: hidden; }
  .box.amber { background: #f2b705; color: #1b1b1b; }
  .box.red { background: #b3001b; color: #ffffff; }
  .box.over { background: #6e0012; color: #ffffff; }
  .box.paused { background: #3d4650; color: #ffffff; }
  .time { font-size: min(28vw, 180px); font-weight: 800; line-height: 1.0; font-variant-numeric: tabular-nums;
          white-space: nowrap; }
  .time.long { font-size: min(22.5vw, 150px); }
  .time.longer { font-size: min(19vw, 130px); }
  .side { display: flex; flex-direction: column; gap: 0.3vw; font-size: clamp(15px, 4.4vw, 28px); line-height: 1.2;
          max-width: 100%; }
  .side div { overflow-wrap: anywhere; }
  .state { font-weight: 700; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
</style></head>
<body>
<main>
<div class="box" id="box">
  <div class="time" id="time" role="timer" aria-label="Resterende tijd van de ronde">--:--</div>
  <div class="side">
    <div><span class="state" id="state"></span> · <span id="session"></span></div>
    <div><span id="note"></span><span id="planned"></span></div>
  </div>
</div>
<div class="sr" id="announce" aria-live="polite"></div>
</main>
<script>
(function () {
  var c = __CONFIG__;
  // The server's clock arrives with the page's loading delay (seconds on a busy machine). Only a real clock
  // error (a projector laptop minutes off) is worth correcting; otherwise every screen uses its own
  // NTP-synchronised clock, so screens agree within a fraction of a second.
  var skew = c.server_now_ms - Date.now();
  var offset = Math.abs(skew) > 60000 ? skew : 0;
  var box = document.getElementById("box"), time = document.getElementById("time");
  var stateEl = document.getElementById("state"), sessionEl = document.getElementById("session");
  document.getElementById("planned").textContent = "einde " + hhmm(c.planned_end_ms);
  document.getElementById("note").textContent = c.schedule_note ? c.schedule_note + " · " : "";
  var announce = document.getElementById("announce");
  var said = {}, beeped = false;
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(ms) {
    var over = ms < 0, s = over ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
    return (over ? "+" : "") + two(Math.floor(s / 60)) + ":" + two(s % 60);
  }
  function hhmm(ms) {
    return new Date(ms).toLocaleTimeString("nl-NL", {hour: "2-digit", minute: "2-digit", timeZone: c.tz});
  }
  function say(key, text) { if (!said[key]) { said[key] = true; announce.textContent = text; } }
  function beep() {
    if (!c.sound || beeped) { return; }
    beeped = true;
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator(); osc.frequency.value = 880; osc.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.6);
    } catch (e) {}
  }
  function tick() {
    var now = Date.now() + offset;
    var left = c.paused ? c.remaining_ms : c.end_ms - now;
    var fraction = c.total_ms > 0 ? left / c.total_ms : 0;
    var shown = clock(left);
    time.textContent = shown;
    time.className = shown.length > 6 ? "time longer" : shown.length > 5 ? "time long" : "time";
    var cls = "box";
    if (c.paused) { cls += " paused"; }
    else if (left < 0) { cls += " over"; }
    else if (fraction <= __RED__) { cls += " red"; }
    else if (fraction <= __AMBER__) { cls += " amber"; }
    box.className = cls;
    if (c.paused) { stateEl.textContent = "Gepauzeerd"; }
    else if (left < 0) { stateEl.textContent = "Tijd is om"; say("over", "De tijd van deze ronde is om."); beep(); }
    else { stateEl.textContent = "Nog " + Math.ceil(left / 60000) + " min"; }
    if (!c.paused && left >= 0 && fraction <= __AMBER__) {
      say("amber", "Nog " + Math.ceil(left / 60000) + " minuten.");
    }
    var roundsEnd = (c.paused ? now + Math.max(0, c.remaining_ms) : Math.max(now, c.end_ms)) + c.later_ms;
    var slack = Math.round((c.target_end_ms - roundsEnd) / 60000);
    // The same words as lib/live/timer.slack_text, with the schedule's origin when it moved.
    var ahead = Math.abs(slack) + " min " + (slack > 0 ? "voor" : "achter") + " op schema";
    sessionEl.textContent = slack === 0 ? "op schema" : ahead;
  }
  tick();
  setInterval(tick, 250);
})();
</script>
</body></html>
"""


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def session_schedule(view: LiveView) -> timer.Schedule:
    """The schedule this room measures itself against (lib/live/timer.schedule): the planned times of the
    session's day, or, when it opened more than a quarter of an hour off, the same length from its opening."""
    return timer.schedule(
        planned_start=dates.local_datetime(view.date, view.start_time),
        planned_end=dates.local_datetime(view.date, view.end_time),
        opened_at=view.started_at,
    )


def schedule_note(plan: timer.Schedule) -> str:
    """'schema vanaf opening 14:05' when the schedule moved with the opening, else nothing."""
    return f"schema vanaf opening {dates.clock(plan.start.astimezone(dates.TZ))}" if plan.moved else ""


def widget_config(view: LiveView, *, server_now: dt.datetime, sound: bool = False) -> dict:
    """Everything the browser needs to count down on its own (plain JSON, no user text)."""
    state = view.state
    plan = session_schedule(view)
    ends = timer.ends_at(state)
    return {
        "paused": state.paused,
        "end_ms": _ms(ends) if ends else None,
        "remaining_ms": int(timer.remaining(state, server_now) * 1000) if state.paused else None,
        "total_ms": state.total_seconds * 1000,
        "later_ms": state.later_seconds * 1000,
        "planned_end_ms": _ms(plan.end),
        "target_end_ms": _ms(plan.end - CLOSING_ALLOWANCE),
        "schedule_note": schedule_note(plan),
        "server_now_ms": _ms(server_now),
        "sound": bool(sound),
        "tz": dates.TZ.key,
    }


def widget_html(config: dict) -> str:
    return (
        _TEMPLATE.replace("__CONFIG__", json.dumps(config).replace("</", "<\\/"))
        .replace("__AMBER__", str(AMBER_AT))
        .replace("__RED__", str(RED_AT))
    )


def state_key(view: LiveView, sound: bool) -> tuple:
    return (
        view.id,
        view.version,
        timer.facts(view.state)["round_started_at"],
        view.state.paused_at,
        view.state.paused_seconds,
        view.state.added_seconds,
        view.started_at,
        sound,
    )


def timer_ui(view: LiveView, *, server_now: dt.datetime, sound: bool = False) -> None:
    """Draw the countdown; reuse the same HTML while the state is unchanged, so the iframe keeps ticking."""
    key = state_key(view, sound)
    cached = st.session_state.get(_CACHE_KEY)
    if not cached or cached[0] != key:
        cached = (key, widget_html(widget_config(view, server_now=server_now, sound=sound)))
        st.session_state[_CACHE_KEY] = cached
    st.iframe(cached[1], height="content", alt="Timer van de ronde")
