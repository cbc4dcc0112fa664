/* The door's scanner: camera → jsQR → POST /api/v1/checkins, with a big answer, a sound,
 * manual entry, search, walk-ins, live totals, and an offline mode that checks tickets
 * against the event's roster (SHA-256 digests, never tokens) and sends what it admitted
 * once the connection returns.
 *
 * Everything the page shows comes from templates/registration/scan.html, translated, in
 * the JSON block #scanner-config ({name}-style placeholders). No inline script: the CSP
 * forbids it.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("scanner-config");
  if (!configElement) return;
  var config = JSON.parse(configElement.textContent);
  var T = config.text;
  var EVENT_ID = config.eventId;
  var URLS = config.urls;
  var API_BASE = URLS.checkin.replace(/\/checkins$/, "");

  var DECODE_EVERY_MS = 125;      // at most 8 decodes a second
  var REPEAT_IGNORED_MS = 3000;   // the same code, still in view or shown again, is not sent twice
  var REQUEST_TIMEOUT_MS = 5000;  // then the door carries on offline; the client_key makes a late answer harmless
  var TOTALS_EVERY_MS = 15000;
  var ROSTER_EVERY_MS = 60000;
  var SYNC_EVERY_MS = 10000;
  var DECODE_MAX_WIDTH = 800;

  var KEY_DEVICE = "outreach.scanner.device";
  var KEY_QUEUE = "outreach.scanner.queue";
  var KEY_ROSTER = "outreach.scanner.roster." + EVENT_ID;

  var $ = function (id) { return document.getElementById(id); };
  var ui = {
    result: $("scan-result"),
    codeResult: $("code-result"),
    searchResult: $("search-result"),
    banner: $("offline-banner"),
    video: $("camera-video"),
    frame: document.querySelector(".camera-frame"),
    cameraStatus: $("camera-status"),
    cameraControls: document.querySelector(".camera-controls"),
    cameraToggle: $("camera-toggle"),
    cameraSwitch: $("camera-switch"),
    rosterStatus: $("roster-status"),
    codeForm: $("code-form"),
    code: $("ticket-code"),
    headcount: $("door-headcount"),
    searchForm: $("search-form"),
    searchQ: $("search-q"),
    searchStatus: $("search-status"),
    searchResults: $("search-results"),
    walkinForm: $("walkin-form"),
    walkinOne: $("walkin-one"),
    walkinCount: $("walkin-count"),
    walkinStatus: $("walkin-status")
  };

  // --- small helpers -------------------------------------------------------------------

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  var numberFormat = (function () {
    try { return new Intl.NumberFormat(config.lang); } catch (e) { return null; }
  })();

  function formatNumber(n) {
    return numberFormat ? numberFormat.format(n) : String(n);
  }

  function plural(forms, n) {
    return fill(n === 1 ? forms.one : forms.other, { num: formatNumber(n) });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load(key, fallback) {
    try {
      var raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or private: work on */ }
  }

  /** The token in what was read: a ticket URL {base}/t/{token} or the bare token (as the server reads it). */
  function tokenFrom(text) {
    text = String(text || "").trim();
    var at = text.lastIndexOf("/t/");
    if (at >= 0) text = text.slice(at + 3);
    return text.split("?")[0].split("#")[0].replace(/^\/+|\/+$/g, "");
  }

  /** The number printed on a ticket (入场券编号), when that is all that was typed (as the server reads it). */
  function printedNumber(text) {
    text = String(text || "").normalize("NFKC").trim();
    var match = /^(?:(?:no|nr|#|编号|入场券编号|入场券)[.:：]?\s*)?#?\s*(\d{1,10})$/i.exec(text);
    return match ? parseInt(match[1], 10) : null;
  }

  function sha256Hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (hash) {
      return Array.prototype.map.call(new Uint8Array(hash), function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    });
  }

  /** HH:MM of an ISO time as the server wrote it (already in the library's zone). */
  function clockOf(iso) {
    var match = /T(\d{2}):(\d{2})/.exec(iso || "");
    return match ? match[1] + ":" + match[2] : "";
  }

  function zoned(options) {
    try {
      return new Intl.DateTimeFormat("en-CA", Object.assign({ timeZone: config.timezone }, options));
    } catch (e) {
      return new Intl.DateTimeFormat("en-CA", options);  // an unknown zone: the device's own
    }
  }
  var libraryClock = zoned({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var libraryDate = zoned({ year: "numeric", month: "2-digit", day: "2-digit" });

  /** HH:MM in the library's zone of a time this device recorded (toISOString gives UTC). */
  function deviceClockOf(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return clockOf(iso);
    return libraryClock.format(d);
  }

  /** Today in the library's zone, as the roster's "day" (YYYY-MM-DD). */
  function libraryDay() {
    var parts = {};
    libraryDate.formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  var deviceId = load(KEY_DEVICE, null);
  if (typeof deviceId !== "string" || !deviceId) {
    deviceId = uuid();
    save(KEY_DEVICE, deviceId);
  }

  // --- talking to the server ------------------------------------------------------------

  /** Whether the last attempt to reach the server failed for want of a connection. */
  var unreachable = false;
  /** The session ended or lost its rights: the queue waits for a new sign-in. */
  var signInNeeded = false;

  function NetworkError(message) { this.message = message; }

  function api(method, url, body, extraHeaders) {
    if (navigator.onLine === false) {
      unreachable = true;
      return Promise.reject(new NetworkError("offline"));
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    // The API answers in the page's language (it keeps no session choice of its own).
    var headers = { "Accept": "application/json", "Accept-Language": document.documentElement.lang || "zh-Hans" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = config.csrfToken;
    }
    Object.keys(extraHeaders || {}).forEach(function (name) { headers[name] = extraHeaders[name]; });
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      unreachable = false;
      return response.json().catch(function () { return null; }).then(function (data) {
        return { status: response.status, ok: response.ok, data: data, etag: response.headers.get("ETag") };
      });
    }, function (error) {
      if (timer) clearTimeout(timer);
      unreachable = true;
      throw new NetworkError(String(error));
    });
  }

  function errorMessage(answer) {
    var error = answer && answer.data && answer.data.error;
    if (!error) return T.failed;
    var text = error.message || T.failed;
    if (error.fields) {
      var details = Object.keys(error.fields).map(function (k) { return error.fields[k]; });
      if (details.length) text += " " + details.join(" ");
    }
    return text;
  }

  // --- the answer panel and its sound ---------------------------------------------------

  var busyTimer = null;
  var IDLE_TEXT = ui.result ? ui.result.querySelector(".result-text").textContent : "";

  /** The panel next to what the volunteer used: the camera's at the top, the others
   * beside the code field and the search. Each is a live region from the start. */
  function panelFor(where) {
    if (where === "code") return ui.codeResult;
    if (where === "search") return ui.searchResult;
    return ui.result;
  }

  function fillPanel(panel, state, title, detail) {
    panel.dataset.state = state;
    panel.textContent = "";
    if (!title) return;
    var head = document.createElement("p");
    head.className = "result-title";
    var icon = document.createElement("span");
    icon.className = "result-icon";
    icon.setAttribute("aria-hidden", "true");
    var text = document.createElement("span");
    text.className = "result-text";
    text.textContent = title;
    head.appendChild(icon);
    head.appendChild(text);
    var more = document.createElement("p");
    more.className = "result-detail";
    more.textContent = detail || "";
    panel.appendChild(head);
    panel.appendChild(more);
  }

  /** An older answer elsewhere on the page is put away without being read out again. */
  function clearPanel(panel) {
    if (panel === ui.result) {
      if (panel.dataset.state === "idle") return;
      panel.setAttribute("aria-live", "off");
      fillPanel(panel, "idle", IDLE_TEXT, "");
      setTimeout(function () { panel.setAttribute("aria-live", "assertive"); }, 0);
    } else {
      fillPanel(panel, "idle", "", "");
    }
  }

  function showResult(state, title, detail, where) {
    clearTimeout(busyTimer);
    var panel = panelFor(where);
    [ui.result, ui.codeResult, ui.searchResult].forEach(function (other) {
      if (other && other !== panel) clearPanel(other);
    });
    fillPanel(panel, state, title, detail);
    // Where the volunteer is looking: on a phone the top of the page is far away.
    if (panel.scrollIntoView) panel.scrollIntoView({ block: "nearest" });
  }

  function showBusy(where) {
    // Only when the server is slow: a quick answer should not be announced twice.
    clearTimeout(busyTimer);
    busyTimer = setTimeout(function () { showResult("busy", T.checking, "", where); }, 300);
  }

  var audio = null;

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume().catch(function () {});
    return audio;
  }

  function tone(context, frequency, start, length) {
    var oscillator = context.createOscillator();
    var gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.4, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    oscillator.connect(gain);
    gain.connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + length + 0.02);
  }

  /** One high beep for yes; two low ones for "look at the screen". */
  function beep(kind) {
    try {
      var context = audioContext();
      if (!context) return;
      var t = context.currentTime + 0.01;
      if (kind === "ok") {
        tone(context, 1320, t, 0.15);
      } else {
        var low = kind === "warn" ? 440 : 262;
        tone(context, low, t, 0.14);
        tone(context, low, t + 0.22, 0.14);
      }
    } catch (e) { /* no sound is no reason to stop */ }
  }

  // Browsers start audio only after a gesture: the first tap anywhere unlocks it.
  function unlockAudio() {
    try { audioContext(); } catch (e) { /* ignore */ }
    document.removeEventListener("pointerdown", unlockAudio, true);
    document.removeEventListener("keydown", unlockAudio, true);
  }
  document.addEventListener("pointerdown", unlockAudio, true);
  document.addEventListener("keydown", unlockAudio, true);

  // --- totals ----------------------------------------------------------------------------

  var TOTAL_KEYS = ["checked_in", "registered", "walk_ins", "attendance"];
  var totals = null;

  function showTotals(attendance) {
    if (!attendance) return;
    totals = attendance;
    TOTAL_KEYS.forEach(function (key) {
      var cell = document.querySelector('[data-total="' + key + '"]');
      if (cell && typeof attendance[key] === "number") cell.textContent = formatNumber(attendance[key]);
    });
  }

  /** What this device admitted offline, added to the last known totals until the server says. */
  function addToTotals(checkedIn, walkIns) {
    if (!totals) return;
    var next = {};
    Object.keys(totals).forEach(function (k) { next[k] = totals[k]; });
    next.checked_in += checkedIn;
    next.walk_ins += walkIns;
    next.attendance += checkedIn + walkIns;
    showTotals(next);
  }

  function refreshTotals() {
    return api("GET", URLS.attendance).then(function (answer) {
      if (answer.ok && answer.data) showTotals(answer.data);
      updateBanner();
    }, function () { updateBanner(); });
  }

  // --- the roster, for checking offline -------------------------------------------------

  function loadRoster() {
    var roster = load(KEY_ROSTER, null);
    return roster && Array.isArray(roster.entries) ? roster : null;
  }

  function showRosterStatus() {
    var roster = loadRoster();
    ui.rosterStatus.textContent = roster ? plural(T.rosterSaved, roster.entries.length) : "";
    if (roster) document.getElementById("scanner").dataset.rosterAt = roster.generated_at || "";
  }

  /** The changes since the last answer merged into the saved roster (each entry whole, in
   * place of the one held; a cancelled one dropped), or null when the result does not match
   * the server's count and sum of ticket numbers (a ticket moved away): then the whole list. */
  function mergeRoster(roster, delta) {
    var byId = {};
    roster.entries.forEach(function (entry) { byId[entry.id] = entry; });
    delta.entries.forEach(function (entry) {
      if (entry.status === "cancelled") delete byId[entry.id];
      else byId[entry.id] = entry;
    });
    var entries = Object.keys(byId).map(function (id) { return byId[id]; });
    entries.sort(function (a, b) { return a.id - b.id; });
    var sum = entries.reduce(function (total, entry) { return total + entry.id; }, 0);
    if (entries.length !== delta.entries_total || sum !== delta.entries_id_sum) return null;
    var merged = {};
    Object.keys(delta).forEach(function (key) { merged[key] = delta[key]; });
    merged.entries = entries;
    return merged;
  }

  /** The roster, fetched by changes: the whole list once, then what changed since the last
   * answer (its cursor), or nothing at all (304) when nothing did. A new day, another event
   * or a cursor the server finds too old gets the whole list again. */
  function refreshRoster(whole) {
    var held = whole ? null : loadRoster();
    var since = held && held.next_since && held.event_id === EVENT_ID && held.day === libraryDay() ? held : null;
    var url = URLS.roster;
    var headers;
    if (since) {
      url += (url.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(since.next_since);
      if (since.etag) headers = { "If-None-Match": since.etag };
    }
    return api("GET", url, undefined, headers).then(function (answer) {
      if (answer.status === 304) {
        updateBanner();
        return;
      }
      var data = answer.data;
      if (answer.ok && data && Array.isArray(data.entries)) {
        var roster = data.full || !since ? data : mergeRoster(since, data);
        if (!roster) return refreshRoster(true);
        roster.etag = answer.etag || null;
        save(KEY_ROSTER, roster);
        showRosterStatus();
        if (data.attendance) showTotals(data.attendance);
      } else if (answer.status === 422 && since) {
        return refreshRoster(true);  // a cursor the server does not know: start again
      }
      updateBanner();
    }, function () { updateBanner(); });
  }

  /** Forget the lists of other events once their day is over: they hold names. */
  function pruneRosters() {
    try {
      var today = libraryDay();
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf("outreach.scanner.roster.") === 0 && key !== KEY_ROSTER) {
          var roster = load(key, null);
          if (!roster || !roster.day || roster.day < today) localStorage.removeItem(key);
        }
      }
    } catch (e) { /* storage unavailable: nothing kept either */ }
  }

  /** Remember an admission made online, so that the roster knows it when the line drops. */
  function rosterAdmitted(registrationId, checkedInAt) {
    var roster = loadRoster();
    if (!roster) return;
    roster.entries.forEach(function (entry) {
      if (entry.id === registrationId && !entry.checked_in_at) entry.checked_in_at = checkedInAt;
    });
    save(KEY_ROSTER, roster);
  }

  // --- the queue of what was admitted offline -------------------------------------------

  function loadQueue() {
    var queue = load(KEY_QUEUE, []);
    return Array.isArray(queue) ? queue : [];
  }

  function enqueue(item) {
    var queue = loadQueue();
    queue.push(item);
    save(KEY_QUEUE, queue);
    updateBanner();
  }

  function dequeue(clientKey) {
    save(KEY_QUEUE, loadQueue().filter(function (item) { return item.client_key !== clientKey; }));
  }

  function updateBanner() {
    var queue = loadQueue();
    var walkins = queue.filter(function (item) { return item.type === "walkin"; }).length;
    var checkins = queue.length - walkins;
    var offline = navigator.onLine === false || unreachable;
    if (!queue.length && !offline) {
      ui.banner.hidden = true;
      ui.banner.textContent = "";
      return;
    }
    var text;
    if (queue.length) {
      var parts = [];
      if (checkins) parts.push(plural(T.waitingCheckins, checkins));
      if (walkins) parts.push(plural(T.waitingWalkins, walkins));
      text = (offline ? T.offline : T.syncing) + " — " + parts.join("; ");
      if (signInNeeded) text += ". " + T.signInToSync;
    } else {
      text = T.offlineNoQueue;
    }
    ui.banner.textContent = text;
    ui.banner.hidden = false;
  }

  function requestFor(item) {
    if (item.type === "walkin") {
      return {
        url: API_BASE + "/events/" + item.event_id + "/walkins",
        // scanned_at: not read by the API yet (it is for check-ins); sent for when it is.
        body: { count: item.count, client_key: item.client_key, device_id: item.device_id, scanned_at: item.scanned_at }
      };
    }
    var body = { event_id: item.event_id, client_key: item.client_key, device_id: item.device_id, scanned_at: item.scanned_at };
    if (item.token) body.token = item.token; else body.registration_id = item.registration_id;
    if (item.headcount) body.headcount = item.headcount;
    return { url: URLS.checkin, body: body };
  }

  var syncing = false;

  /** Send the queue in order. An item leaves it once the server has answered for it (the
   * same client_key counts once; a party another door admitted first is recorded there as
   * a conflict); it stays when the server could not answer or would not hear this session. */
  function sync() {
    if (syncing || !loadQueue().length || navigator.onLine === false) {
      updateBanner();
      return Promise.resolve();
    }
    syncing = true;
    var sent = 0;
    function next() {
      var queue = loadQueue();
      if (!queue.length) return Promise.resolve();
      var item = queue[0];
      var request = requestFor(item);
      return api("POST", request.url, request.body).then(function (answer) {
        var code = answer.data && answer.data.error && answer.data.error.code;
        if (answer.status === 401 || answer.status === 403 || code === "csrf_failed") {
          signInNeeded = true;
          return;
        }
        if (answer.status === 429 || answer.status >= 500) return;
        signInNeeded = false;
        dequeue(item.client_key);
        sent += 1;
        if (answer.ok && item.type !== "walkin" && answer.data && answer.data.registration) {
          rosterAdmitted(answer.data.registration.id, answer.data.checked_in_at);
        }
        updateBanner();
        return next();
      }, function () { /* still no connection: the next try will do */ });
    }
    function done() {
      syncing = false;
      updateBanner();
      if (sent) {
        refreshTotals();
        refreshRoster();
      }
    }
    return next().then(done, done);
  }

  // --- checking in ----------------------------------------------------------------------

  function peopleOf(n) { return plural(T.people, n); }

  function showAnswer(answer, where) {
    var data = answer.data;
    if (answer.ok && data && data.registration) {
      var registration = data.registration;
      if (data.result === "checked_in") {
        // A group's ticket: how many came of those booked, and the group's organisation.
        var came = data.headcount && data.headcount !== registration.party_size
          ? fill(T.cameOf, { came: data.headcount, booked: registration.party_size }) : peopleOf(registration.party_size);
        if (registration.group) came += " · " + registration.group.organisation;
        showResult("ok", fill(T.welcome, { name: registration.name }), came, where);
        beep("ok");
      } else {
        showResult("warn", fill(T.alreadyCheckedIn, { time: clockOf(data.checked_in_at) }),
          registration.name + " · " + peopleOf(registration.party_size), where);
        beep("warn");
      }
      rosterAdmitted(registration.id, data.checked_in_at);
      refreshTotals();
      return;
    }
    showResult("error", errorMessage(answer), "", where);
    beep("error");
  }

  function refuse(message, where) {
    showResult("error", message, "", where);
    beep("error");
  }

  /** When this device knows the party is in already: the roster (today's) or its own queue. */
  function admittedEarlier(entry, roster) {
    if (entry.checked_in_at && roster.day >= libraryDay()) return clockOf(entry.checked_in_at);
    var queued = loadQueue().filter(function (item) {
      return item.type !== "walkin" && item.event_id === EVENT_ID &&
        (item.registration_id === entry.id || (item.digest && item.digest === entry.digest));
    })[0];
    return queued ? deviceClockOf(queued.scanned_at) : null;
  }

  /** Check a ticket against the saved roster and, when it is good, admit it and queue it. */
  function admitOffline(lookup, body) {
    updateBanner();
    var roster = loadRoster();
    var where = lookup.where;
    if (!roster) return Promise.resolve(refuse(T.noRoster, where));
    var found;
    if (lookup.token !== undefined) {
      if (!(window.crypto && crypto.subtle)) return Promise.resolve(refuse(T.noCrypto, where));
      found = sha256Hex(lookup.token).then(function (digest) {
        return roster.entries.filter(function (e) { return e.digest === digest; })[0];
      });
    } else {
      var id = lookup.number !== undefined ? lookup.number : lookup.registrationId;
      found = Promise.resolve(roster.entries.filter(function (e) { return e.id === id; })[0]);
    }
    return found.then(function (entry) {
      if (!entry) return refuse(T.notValidHere, where);
      if (entry.status === "cancelled") return refuse(T.cancelled, where);
      if (entry.status === "waitlisted") return refuse(T.waitlisted, where);
      var earlier = admittedEarlier(entry, roster);
      if (earlier) {
        showResult("warn", fill(T.alreadyCheckedIn, { time: earlier }), entry.name + " · " + peopleOf(entry.party_size), where);
        beep("warn");
        return null;
      }
      var item = {
        type: "checkin",
        event_id: EVENT_ID,
        client_key: body.client_key,
        device_id: deviceId,
        scanned_at: new Date().toISOString(),
        registration_id: entry.id,
        digest: entry.digest
      };
      if (lookup.token !== undefined) item.token = lookup.token;
      // How many of a group came (at most those booked): sent with the check-in when it syncs.
      if (body.headcount && body.headcount <= entry.party_size) item.headcount = body.headcount;
      enqueue(item);
      if (ui.headcount) ui.headcount.value = "";
      addToTotals(item.headcount || entry.party_size, 0);
      showResult("ok", fill(T.welcomeOffline, { name: entry.name }), peopleOf(entry.party_size) + " · " + T.offlineQueued, where);
      beep("ok");
      return item;
    });
  }

  /** Check in by ticket (token or URL) or by registration id; resolves to what the row should show. */
  function checkIn(lookup) {
    var body = { event_id: EVENT_ID, client_key: uuid(), device_id: deviceId };
    // A printed number is sent as typed, with the event: the server reads it for this door only.
    if (lookup.token !== undefined) body.token = lookup.token;
    else if (lookup.number !== undefined) body.token = String(lookup.number);
    else body.registration_id = lookup.registrationId;
    // The door's "people who came" for a group's ticket: sent with the next check-in only.
    var came = ui.headcount && ui.headcount.value.trim();
    if (came) body.headcount = Number(came);
    showBusy(lookup.where);
    return api("POST", URLS.checkin, body).then(function (answer) {
      if (answer.status >= 500) return admitOffline(lookup, body).then(function (item) { return item && { at: deviceClockOf(item.scanned_at) }; });
      if (answer.ok && ui.headcount) ui.headcount.value = "";
      showAnswer(answer, lookup.where);
      updateBanner();
      if (answer.ok && answer.data) return { at: clockOf(answer.data.checked_in_at) };
      return null;
    }, function () {
      return admitOffline(lookup, body).then(function (item) { return item && { at: deviceClockOf(item.scanned_at) }; });
    });
  }

  function checkInText(text, where) {
    var number = printedNumber(text);
    if (number !== null) return checkIn({ number: number, where: where });
    var token = tokenFrom(text);
    if (!token) return Promise.resolve(null);
    return checkIn({ token: token, where: where });
  }

  // --- the camera -----------------------------------------------------------------------

  var camera = { stream: null, deviceId: null, devices: [], timer: null, starting: false };
  var canvas = document.createElement("canvas");
  var canvasContext = canvas.getContext("2d", { willReadFrequently: true });
  var lastRead = { text: null, at: 0 };

  function setCameraStatus(text) { ui.cameraStatus.textContent = text; }

  function listCameras() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return Promise.resolve();
    return navigator.mediaDevices.enumerateDevices().then(function (devices) {
      camera.devices = devices.filter(function (d) { return d.kind === "videoinput"; });
      ui.cameraSwitch.disabled = camera.devices.length < 2;
    }, function () { ui.cameraSwitch.disabled = true; });
  }

  function stopCamera(quietly) {
    clearTimeout(camera.timer);
    camera.timer = null;
    if (camera.stream) camera.stream.getTracks().forEach(function (track) { track.stop(); });
    camera.stream = null;
    ui.video.srcObject = null;
    if (!quietly) {
      ui.frame.hidden = true;
      ui.cameraToggle.textContent = T.cameraStart;
      setCameraStatus(T.cameraOff);
    }
  }

  function startCamera(wantedDevice) {
    if (camera.starting) return Promise.resolve();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof window.jsQR !== "function") {
      setCameraStatus(T.cameraFailed);
      ui.cameraToggle.textContent = T.cameraStart;
      return Promise.resolve();
    }
    stopCamera(true);
    camera.starting = true;
    setCameraStatus(T.cameraStarting);
    var video = wantedDevice ? { deviceId: { exact: wantedDevice } } : { facingMode: { ideal: "environment" } };
    video.width = { ideal: 1280 };
    video.height = { ideal: 720 };
    return navigator.mediaDevices.getUserMedia({ video: video, audio: false }).then(function (stream) {
      camera.stream = stream;
      var track = stream.getVideoTracks()[0];
      var settings = track && track.getSettings ? track.getSettings() : {};
      camera.deviceId = settings.deviceId || wantedDevice || null;
      ui.video.srcObject = stream;
      ui.frame.hidden = false;
      ui.cameraToggle.textContent = T.cameraStop;
      setCameraStatus(T.cameraOn);
      var playing = ui.video.play();
      if (playing && playing.catch) playing.catch(function () {});
      scheduleDecode(0);
      return listCameras();
    }, function () {
      setCameraStatus(T.cameraFailed);
      ui.frame.hidden = true;
      ui.cameraToggle.textContent = T.cameraStart;
    }).then(function () { camera.starting = false; });
  }

  function switchCamera() {
    if (camera.devices.length < 2) return;
    var index = -1;
    camera.devices.forEach(function (d, i) { if (d.deviceId === camera.deviceId) index = i; });
    startCamera(camera.devices[(index + 1) % camera.devices.length].deviceId);
  }

  function scheduleDecode(delay) {
    clearTimeout(camera.timer);
    camera.timer = setTimeout(decodeFrame, delay);
  }

  function decodeFrame() {
    camera.timer = null;
    if (!camera.stream) return;
    var started = performance.now();
    var video = ui.video;
    if (!document.hidden && video.readyState >= 2 && video.videoWidth) {
      var scale = Math.min(1, DECODE_MAX_WIDTH / video.videoWidth);
      var w = Math.round(video.videoWidth * scale);
      var h = Math.round(video.videoHeight * scale);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      canvasContext.drawImage(video, 0, 0, w, h);
      var image = canvasContext.getImageData(0, 0, w, h);
      var code = window.jsQR(image.data, w, h, { inversionAttempts: "dontInvert" });
      if (code && code.data) onRead(code.data);
    }
    scheduleDecode(Math.max(DECODE_EVERY_MS - (performance.now() - started), 20));
  }

  /** A code the camera read. One held in view is read again and again: it counts once, and
   * once more only after it has been out of view for REPEAT_IGNORED_MS. */
  function onRead(text) {
    var now = Date.now();
    var repeat = text === lastRead.text && now - lastRead.at < REPEAT_IGNORED_MS;
    lastRead = { text: text, at: now };
    if (!repeat) checkInText(text, "camera");
  }

  // --- manual entry and search ----------------------------------------------------------

  function setStatus(element, text, isError) {
    element.textContent = text || "";
    element.classList.toggle("is-error", Boolean(isError));
  }

  function offlineSearch(q) {
    var roster = loadRoster();
    if (!roster) return null;
    var needle = q.toLowerCase();
    return roster.entries.filter(function (entry) {
      return String(entry.name || "").toLowerCase().indexOf(needle) >= 0;
    }).slice(0, 20).map(function (entry) {
      var at = admittedEarlier(entry, roster);
      return { id: entry.id, name: entry.name, party_size: entry.party_size, status: entry.status, phone: "", clock: at };
    });
  }

  function renderResults(registrations, offline) {
    ui.searchResults.textContent = "";
    if (!registrations.length) {
      setStatus(ui.searchStatus, T.noMatch);
      return;
    }
    setStatus(ui.searchStatus, offline ? T.searchOffline : "");
    registrations.forEach(function (registration) {
      var item = document.createElement("li");
      var who = document.createElement("div");
      who.className = "who";
      var name = document.createElement("strong");
      name.id = "registration-" + registration.id + "-name";
      name.textContent = registration.name;
      var facts = document.createElement("span");
      facts.textContent = peopleOf(registration.party_size) + (registration.phone ? " · " + registration.phone : "");
      who.appendChild(name);
      who.appendChild(facts);
      item.appendChild(who);
      var clock = registration.clock || (registration.checked_in_at ? clockOf(registration.checked_in_at) : null);
      if (clock) {
        item.appendChild(doneMark(clock));
      } else if (registration.status === "waitlisted") {
        var wait = document.createElement("span");
        wait.className = "wait";
        wait.textContent = T.onWaitingList;
        item.appendChild(wait);
      } else {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = T.checkIn;
        button.setAttribute("aria-describedby", name.id);
        button.addEventListener("click", function () {
          button.disabled = true;
          checkIn({ registrationId: registration.id, where: "search" }).then(function (outcome) {
            if (outcome && outcome.at) {
              // The button goes: focus stays on this row rather than falling to the page's top.
              var mark = doneMark(outcome.at);
              mark.tabIndex = -1;
              item.replaceChild(mark, button);
              mark.focus({ preventScroll: true });
            } else {
              button.disabled = false;
            }
          });
        });
        item.appendChild(button);
      }
      ui.searchResults.appendChild(item);
    });
  }

  function doneMark(clock) {
    var done = document.createElement("span");
    done.className = "done";
    done.textContent = fill(T.checkedInAt, { time: clock });
    return done;
  }

  function search(q) {
    q = q.trim();
    if (!q) return;
    setStatus(ui.searchStatus, T.searching);
    api("GET", URLS.search + "?q=" + encodeURIComponent(q)).then(function (answer) {
      if (answer.status >= 500) return fallback();
      if (!answer.ok || !answer.data) return setStatus(ui.searchStatus, errorMessage(answer), true);
      renderResults(answer.data.registrations || [], false);
      if (ui.searchStatus.scrollIntoView) (ui.searchResults.firstChild || ui.searchStatus).scrollIntoView({ block: "nearest" });
      updateBanner();
    }, fallback);
    function fallback() {
      updateBanner();
      var found = offlineSearch(q);
      if (found === null) {
        ui.searchResults.textContent = "";
        setStatus(ui.searchStatus, T.noRoster, true);
      } else {
        renderResults(found, true);
      }
    }
  }

  // --- walk-ins -------------------------------------------------------------------------

  function addWalkins(count) {
    if (!Number.isInteger(count) || count < 1 || count > 10000) {
      setStatus(ui.walkinStatus, T.walkinRange, true);
      return Promise.resolve();
    }
    var body = { count: count, client_key: uuid(), device_id: deviceId };
    function offline() {
      enqueue({ type: "walkin", event_id: EVENT_ID, count: count, client_key: body.client_key, device_id: deviceId, scanned_at: new Date().toISOString() });
      addToTotals(0, count);
      setStatus(ui.walkinStatus, plural(T.walkinsSavedOffline, count));
      beep("ok");
    }
    return api("POST", URLS.walkins, body).then(function (answer) {
      if (answer.status >= 500) return offline();
      if (answer.ok) {
        setStatus(ui.walkinStatus, plural(T.walkinsCounted, count));
        if (answer.data && answer.data.attendance) showTotals(answer.data.attendance); else refreshTotals();
        beep("ok");
      } else {
        setStatus(ui.walkinStatus, errorMessage(answer), true);
        beep("error");
      }
      updateBanner();
    }, offline);
  }

  // --- wiring ---------------------------------------------------------------------------

  if (config.ended) {
    // The event is over: no camera and no forms; what this device admitted offline is still sent.
    showTotals(config.attendance);
    updateBanner();
    sync();
    setInterval(sync, SYNC_EVERY_MS);
    return;
  }

  ui.codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = ui.code.value;
    ui.code.value = "";
    checkInText(text, "code");
    ui.code.focus();
  });

  ui.searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    search(ui.searchQ.value);
  });

  // With the script, +1 is a plain button, so that Enter in the number field adds that number.
  ui.walkinOne.type = "button";
  ui.walkinOne.addEventListener("click", function () { addWalkins(1); });
  ui.walkinForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var raw = String(ui.walkinCount.value).trim();
    addWalkins(/^\d+$/.test(raw) ? parseInt(raw, 10) : NaN);
  });

  $("scanner-needs-js").hidden = true;
  ui.cameraControls.hidden = false;
  ui.cameraSwitch.disabled = true;
  ui.cameraToggle.addEventListener("click", function () {
    if (camera.stream) stopCamera(false); else startCamera(camera.deviceId);
  });
  ui.cameraSwitch.addEventListener("click", switchCamera);

  window.addEventListener("online", function () {
    unreachable = false;
    updateBanner();
    sync();
    refreshRoster();
    refreshTotals();
  });
  window.addEventListener("offline", updateBanner);

  showTotals(config.attendance);
  pruneRosters();
  showRosterStatus();
  updateBanner();
  startCamera(null);
  refreshRoster().then(sync);

  setInterval(refreshTotals, TOTALS_EVERY_MS);
  setInterval(function () { if (navigator.onLine !== false) refreshRoster(); }, ROSTER_EVERY_MS);
  setInterval(sync, SYNC_EVERY_MS);
})();
