// Progressive enhancement of the wizard. Every page works without this script (the server decides which
// fields show, the grouped region select works, files upload with the 上传 button); with it:
//  - conditional fields appear and disappear instantly (tables computed by the server's own rules),
//  - typing is autosaved to the server (Redis) so that a reload (the Android WeChat WebView reloads the page
//    after the camera opens) restores it,
//  - the region picker becomes two selects (city → county),
//  - chosen images are shrunk in the browser (canvas → JPEG, ≤ 2000 px) and uploaded at once.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function valueOf(form, name) {
    var checked = form.querySelector("input[type=radio][name='" + name + "']:checked");
    if (checked) return checked.value;
    var radio = form.querySelector("input[type=radio][name='" + name + "']");
    if (radio) return "";
    var el = form.elements[name];
    return el && typeof el.value === "string" ? el.value : "";
  }

  // ---- conditional fields -------------------------------------------------------------------------------
  function applyConditions(form) {
    var boxes = form.querySelectorAll("[data-when]");
    Array.prototype.forEach.call(boxes, function (box) {
      var rule;
      try { rule = JSON.parse(box.getAttribute("data-when")); } catch (e) { return; }
      var current = rule.deps.map(function (d) { return valueOf(form, d); });
      var show = rule.show.some(function (combo) {
        return combo.every(function (v, i) { return v === current[i]; });
      });
      box.hidden = !show;
    });
  }

  // ---- autosave -----------------------------------------------------------------------------------------
  function csrfToken(form) {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function autosave(form) {
    var url = form.getAttribute("data-autosave");
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    function send() {
      var body = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name === "csrf_token" || el.name === "action" || el.name === "return") return;
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
        if (el.type === "file" || el.type === "submit" || el.disabled) return;
        body.append(el.name, el.value);
      });
      fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (res) {
        if (status) status.textContent = res.ok ? "已自动暂存（点“保存”或“继续”后正式保存）" : "";
      }).catch(function () { if (status) status.textContent = ""; });
    }
    function schedule() { clearTimeout(timer); timer = setTimeout(send, 800); }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    window.addEventListener("pagehide", function () { if (timer) { clearTimeout(timer); send(); } });
  }

  // ---- region picker ------------------------------------------------------------------------------------
  function option(value, label, selected) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label; o.selected = !!selected;
    return o;
  }

  function selectCell(labelText, id, required) {
    var cell = document.createElement("div");
    cell.className = "weui-cell weui-cell_active weui-cell_select weui-cell_select-after";
    cell.innerHTML = '<div class="weui-cell__hd"><label class="weui-label"></label></div><div class="weui-cell__bd"><select class="weui-select"></select></div>';
    cell.querySelector("label").textContent = labelText;
    if (required) {
      var star = document.createElement("span");
      star.className = "req"; star.setAttribute("aria-hidden", "true"); star.textContent = "*";
      cell.querySelector("label").appendChild(star);
    }
    cell.querySelector("label").htmlFor = id;
    cell.querySelector("select").id = id;
    return cell;
  }

  function regionPicker(box) {
    var tree = JSON.parse(box.getAttribute("data-region-tree"));
    var grouped = box.querySelector("select");
    var current = grouped.value;
    var groupedCell = box.querySelector(".region-grouped");
    var cityCell = selectCell(groupedCell.querySelector("label").firstChild.textContent, grouped.id + "-city", true);
    var countyCell = selectCell("县（市、区）", grouped.id + "-county");
    var city = cityCell.querySelector("select"), county = countyCell.querySelector("select");
    var currentCity = "";
    tree.forEach(function (c) {
      if (c[0] === current || c[2].some(function (k) { return k[0] === current; })) currentCity = c[0];
    });
    city.appendChild(option("", "请选择"));
    tree.forEach(function (c) { city.appendChild(option(c[0], c[1], c[0] === currentCity)); });
    function fillCounties() {
      county.innerHTML = "";
      var entry = tree.filter(function (c) { return c[0] === city.value; })[0];
      var children = entry ? entry[2] : [];
      countyCell.hidden = !children.length;
      county.appendChild(option("", "请选择"));
      children.forEach(function (k) { county.appendChild(option(k[0], k[1], k[0] === grouped.value)); });
      grouped.value = children.length ? county.value : city.value;
    }
    city.addEventListener("change", function () { grouped.value = ""; fillCounties(); grouped.dispatchEvent(new Event("change", { bubbles: true })); });
    county.addEventListener("change", function () { grouped.value = county.value; grouped.dispatchEvent(new Event("change", { bubbles: true })); });
    groupedCell.hidden = true;
    box.insertBefore(countyCell, groupedCell.nextSibling);
    box.insertBefore(cityCell, countyCell);
    fillCounties();
  }

  // ---- image shrinking and instant upload ---------------------------------------------------------------
  var MAX_SIDE = 2000, SHRINK_ABOVE = 1024 * 1024;

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png)$/.test(file.type) || !window.HTMLCanvasElement || !window.DataTransfer) return resolve(file);
      var needs = file.size > SHRINK_ABOVE || file.type === "image/png";
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var w = img.naturalWidth, h = img.naturalHeight, scale = Math.min(1, MAX_SIDE / Math.max(w, h));
        URL.revokeObjectURL(url);
        if (!needs && scale === 1) return resolve(file);
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
        var ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);  // browsers apply EXIF orientation here
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          resolve(new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", 0.85);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };  // the server explains
      img.src = url;
    });
  }

  function uploadOnChoose(form) {
    var busy = form.querySelector("[data-upload-busy]");
    Array.prototype.forEach.call(form.querySelectorAll("[data-js-hide]"), function (b) { b.hidden = true; });
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file][data-autosubmit]"), function (input) {
      input.addEventListener("change", function () {
        if (!input.files || !input.files.length) return;
        var button = document.getElementById(input.getAttribute("data-autosubmit"));
        if (busy) busy.hidden = false;
        // Only this input's files go up: clear the other inputs (they would be uploaded too).
        Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (other) {
          if (other !== input) other.value = "";
        });
        Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (files) {
          try {
            var dt = new DataTransfer();
            files.forEach(function (f) { dt.items.add(f); });
            input.files = dt.files;
          } catch (e) { /* keep the originals: the server normalises them */ }
          if (form.requestSubmit && button) form.requestSubmit(button); else if (button) button.click();
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.step-form"), function (form) {
      if (form.querySelector("[data-when]")) {
        var refresh = form.querySelector("[data-refresh]");
        if (refresh) refresh.hidden = true;
        form.addEventListener("change", function () { applyConditions(form); });
        applyConditions(form);
      }
      if (form.hasAttribute("data-autosave")) autosave(form);
      if (form.hasAttribute("data-shrink")) uploadOnChoose(form);
      Array.prototype.forEach.call(form.querySelectorAll("[data-region-tree]"), regionPicker);
    });
  });
})();
