/* Need intake: as the enterprise types the need, the API reads it (POST /api/demands/understand)
   and the form's fields are prefilled from what the text states. A field the user changed by
   hand is never overwritten; what could not be read is listed with the reason. No library. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-understand-url]");
  if (!form) return;
  var url = form.getAttribute("data-understand-url");
  var text = form.elements.namedItem("text");
  var panel = document.getElementById("need-reading");
  if (!text || !panel) return;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var NAMES = ["category", "area_min_m2", "area_max_m2", "rent_max_yuan_per_m2_month",
    "cleanroom_iso", "funding_amount_yuan", "funding_stage"];
  var touched = {};  // name → true once the user changed it
  var filled = {};   // name → the value this script put there
  var timer = null;
  var pending = null;
  var label = function (key) { return panel.getAttribute("data-" + key) || ""; };

  NAMES.forEach(function (name) {
    var el = form.elements.namedItem(name);
    if (!el) return;
    if (el.value && name !== "category") touched[name] = true;  // a value the form came back with
    var mark = function (event) {
      if (!event.isTrusted) return;
      touched[name] = true;
      el.classList.remove("autofilled");
    };
    el.addEventListener("input", mark);
    el.addEventListener("change", mark);
  });

  function setField(name, value) {
    var el = form.elements.namedItem(name);
    if (!el || touched[name]) return false;
    var next = value === undefined || value === null ? "" : String(value);
    if (next === "" && filled[name] === undefined) return false;  // never clear the user's own
    if (el.tagName === "SELECT" && next !== "" &&
        !Array.prototype.some.call(el.options, function (o) { return o.value === next; })) {
      return false;
    }
    el.value = next;
    if (next === "") {
      delete filled[name];
      el.classList.remove("autofilled");
      return false;
    }
    filled[name] = next;
    el.classList.add("autofilled");
    el.setAttribute("title", label("filled-title"));
    return true;
  }

  function item(className, main, detail) {
    var li = document.createElement("li");
    li.className = className;
    var strong = document.createElement("span");
    strong.textContent = main;
    li.appendChild(strong);
    if (detail) {
      var small = document.createElement("small");
      small.className = "muted";
      small.textContent = " " + detail;
      li.appendChild(small);
    }
    return li;
  }

  function render(data) {
    panel.textContent = "";
    var filledNames = [];
    NAMES.forEach(function (name) {
      if (setField(name, data.fields[name])) filledNames.push(name);
    });
    if (data.message) {
      var p = document.createElement("p");
      p.className = data.unread.length ? "error" : "muted";
      p.setAttribute("role", "status");
      p.textContent = data.message;
      panel.appendChild(p);
    }
    if (data.requirements.length) {
      var h = document.createElement("p");
      h.textContent = label("read");
      panel.appendChild(h);
      var ul = document.createElement("ul");
      ul.className = "need-read";
      data.requirements.forEach(function (r) {
        var words = r.text ? "「" + r.text + "」" : "";
        if (r.preference) words += " " + label("preference");
        ul.appendChild(item("read", "✓ " + r.label, words));
      });
      panel.appendChild(ul);
    }
    if (data.unread.length) {
      var ul2 = document.createElement("ul");
      ul2.className = "need-unread";
      data.unread.forEach(function (u) {
        ul2.appendChild(item("unread", "✗ 「" + u.text + "」", u.reason));
      });
      panel.appendChild(ul2);
    }
    if (data.truncated) {
      var t = document.createElement("p");
      t.className = "muted";
      t.textContent = label("truncated");
      panel.appendChild(t);
    }
    if (filledNames.length) {
      var f = document.createElement("p");
      f.className = "muted";
      f.textContent = label("filled");
      panel.appendChild(f);
    }
    panel.hidden = !panel.childNodes.length;
  }

  function read() {
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    var category = form.elements.namedItem("category");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({
        text: text.value,
        category: touched.category && category ? category.value : "",
      }),
      signal: pending ? pending.signal : undefined,
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(render).catch(function (error) {
      if (error && error.name === "AbortError") return;
      panel.hidden = false;
      panel.textContent = label("failed");
    });
  }

  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(read, 300);
  });
  if (text.value.trim()) read();
})();
