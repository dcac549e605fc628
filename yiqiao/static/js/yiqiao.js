// Small behaviours without inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit")) {
    el.form.submit();
  }
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// Keep the export link in step with the filters that htmx pushes into the address bar.
document.addEventListener("htmx:pushedIntoHistory", () => {
  const link = document.getElementById("export-link");
  if (link) {
    link.href = link.href.split("?")[0] + window.location.search;
  }
});

// Searchable pickers (core.widgets.Picker): a <select data-picker="/pick/<source>/?…"> becomes a
// text box whose list is filtered as one types, from the records the user may see. The select
// stays in the form (hidden) and carries the chosen value(s); without scripts it is a plain
// select. Keyboard: ↓/↑ move, Enter picks, Escape closes; in a multiple picker Backspace in the
// empty box removes the last choice.
function setUpPicker(select) {
  const multiple = select.multiple;
  const texts = select.dataset;
  const listId = select.id + "_list";
  const wrap = document.createElement("div");
  wrap.className = "picker";
  const chips = document.createElement("ul");
  chips.className = "picker-chips";
  const input = document.createElement("input");
  input.type = "text";
  input.id = select.id + "_search";
  input.className = "picker-input";
  input.autocomplete = "off";
  input.placeholder = texts.pickerPrompt || "";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  const list = document.createElement("ul");
  list.className = "picker-list";
  list.id = listId;
  list.setAttribute("role", "listbox");
  list.hidden = true;
  const label = document.querySelector('label[for="' + select.id + '"]');
  if (label) {
    label.htmlFor = input.id;
    input.setAttribute("aria-label", label.textContent.trim());
  }
  select.hidden = true;
  select.required = false;
  select.tabIndex = -1;
  select.before(wrap);
  if (multiple) wrap.append(chips);
  wrap.append(input, list);
  let active = -1;
  let items = [];
  let serial = 0;
  let timer = null;

  function chosen() {
    return Array.from(select.options).filter((o) => o.selected && o.value !== "");
  }
  function showChosen() {
    if (!multiple) {
      const current = chosen()[0];
      input.value = current ? current.textContent.trim() : "";
      return;
    }
    chips.replaceChildren();
    for (const option of chosen()) {
      const chip = document.createElement("li");
      chip.className = "picker-chip";
      chip.append(option.textContent.trim() + " ");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", (texts.pickerRemove || "") + " " + option.textContent.trim());
      remove.addEventListener("click", () => {
        option.selected = false;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        showChosen();
        input.focus();
      });
      chip.append(remove);
      chips.append(chip);
    }
  }
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(index) {
    const options = list.querySelectorAll('[role="option"]');
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }
  function pick(item) {
    let option = Array.from(select.options).find((o) => o.value === String(item.id));
    if (!option) {
      option = new Option(item.label, String(item.id));
      select.append(option);
    }
    if (!multiple) {
      for (const o of select.options) o.selected = false;
    }
    option.selected = true;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    showChosen();
    if (multiple) input.value = "";
    close();
  }
  function render(data) {
    list.replaceChildren();
    items = data.results;
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.id = listId + "_" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.id = String(item.id);
      li.append(item.label);
      if (item.hint) {
        const hint = document.createElement("span");
        hint.className = "picker-hint";
        hint.textContent = item.hint;
        li.append(hint);
      }
      li.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(item);
      });
      list.append(li);
    });
    const note = items.length ? (data.more ? texts.pickerMore : "") : texts.pickerEmpty;
    if (note) {
      const li = document.createElement("li");
      li.className = "picker-note";
      li.textContent = note;
      list.append(li);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }
  function search() {
    const url = new URL(select.dataset.picker, window.location.origin);
    url.searchParams.set("q", input.value.trim());
    const mine = ++serial;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [], more: false }))
      .then((data) => {
        if (mine === serial && document.activeElement === input) render(data);
      })
      .catch(() => {});
  }
  input.addEventListener("input", () => {
    if (!multiple && input.value.trim() === "") {
      for (const o of select.options) o.selected = o.value === "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("focus", search);
  input.addEventListener("blur", () => {
    close();
    if (!multiple) showChosen();
    else input.value = "";
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) {
        search();
        return;
      }
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0 && items[active]) {
        event.preventDefault();
        pick(items[active]);
      } else if (!list.hidden) {
        event.preventDefault();
      }
    } else if (event.key === "Escape") {
      if (!list.hidden) event.preventDefault();
      close();
    } else if (event.key === "Backspace" && multiple && input.value === "") {
      const last = chosen().pop();
      if (last) {
        last.selected = false;
        showChosen();
      }
    }
  });
  showChosen();
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-picker]").forEach(setUpPicker);
});
