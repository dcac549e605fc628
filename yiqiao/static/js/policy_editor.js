// The policy editor: builds condition lines from the field dictionary and inserts benefit,
// limit and test-case templates; every change re-runs the live check (htmx on the form).
(() => {
  const editor = document.getElementById("policy-editor");
  if (!editor) return;
  const area = (name) => editor.querySelector(`textarea[name="${name}"]`);
  const changed = () => editor.dispatchEvent(new Event("editor-changed", { bubbles: true }));
  const append = (name, text) => {
    const el = area(name);
    el.value = el.value.trim() ? `${el.value.replace(/\s+$/, "")}\n${text}` : text;
    changed();
  };
  const quote = (text) => (/^[A-Za-z_][\w.]*$/.test(text) ? text : JSON.stringify(text));
  const field = document.getElementById("cb-field");
  const values = document.getElementById("cb-values");
  const fillValues = () => {
    values.innerHTML = "";
    const option = field.selectedOptions[0];
    (option && option.dataset.values ? option.dataset.values.split("|") : []).forEach((pair) => {
      const [code, label] = pair.split("=");
      if (!code) return;
      const item = document.createElement("option");
      item.value = code;
      item.label = label || code;
      values.appendChild(item);
    });
  };
  if (field) {
    field.addEventListener("change", fillValues);
    fillValues();
  }
  const add = document.getElementById("cb-add");
  if (add) {
    add.addEventListener("click", () => {
      const option = field.selectedOptions[0];
      const op = document.getElementById("cb-op").value;
      const raw = document.getElementById("cb-value").value.trim();
      if (!option || (!raw && op !== "exists")) return;
      const type = option.dataset.type;
      let value = raw || "true";
      if (op === "in" || op === "not_in") {
        value = `[${raw.split(/[,，、\s]+/).filter(Boolean).map(quote).join(", ")}]`;
      } else if ((type === "str" || type === "enum" || type === "set") && op !== "exists") {
        value = quote(raw);
      }
      const subject = type === "count" ? `count: ${option.value}` : `field: ${option.value}`;
      append("conditions", `- {${subject}, ${op}: ${value}}`);
      document.getElementById("cb-value").value = "";
    });
  }
  editor.addEventListener("click", (event) => {
    const button = event.target.closest("[data-snippet]");
    if (!button) return;
    const target = button.dataset.snippetTarget;
    const el = area(target);
    if (target === "benefit" && el.value.trim()) {
      if (!window.confirm(button.closest("[data-replace-message]")?.dataset.replaceMessage || "替换当前的兑现标准？")) return;
      el.value = "";
    }
    append(target, button.dataset.snippet);
  });
})();
