/* The sandbox phone: draws the published menu and the chat, sends taps and text through
   /sandbox/control/send (the sandbox signs them, and encrypts them in safe mode, and POSTs to /wx). */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var state = { openid: $("phone").dataset.openid, menu: null, chatLength: -1 };

  function api(method, url, body) {
    var opts = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(url, opts).then(function (r) { return r.json(); });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Text replies may carry <a href="...">label</a> (WeChat renders these); everything else stays text.
  function richText(container, text) {
    var re = /<a href="(https?:\/\/[^"]+)">([^<]*)<\/a>/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      container.appendChild(document.createTextNode(text.slice(last, m.index)));
      container.appendChild(link(m[1], m[2]));
      last = re.lastIndex;
    }
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  function link(url, label, cls) {
    var a = el("a", cls || "", label);
    a.href = url;
    a.addEventListener("click", function (e) { e.preventDefault(); openWeb(url, label); });
    return a;
  }

  function bubble(entry) {
    if (entry.from === "system") {
      var sys = el("div", "msg msg_system" + (entry.kind === "error" ? " msg_error" : ""));
      sys.appendChild(el("span", "msg__note", entry.text));
      return sys;
    }
    var row = el("div", "msg " + (entry.from === "user" ? "msg_user" : "msg_oa"));
    row.appendChild(el("div", "msg__avatar", entry.from === "user" ? "我" : "会"));
    if (entry.kind === "template") { row.appendChild(templateCard(entry)); return row; }
    var b = el("div", "msg__bubble");
    if (entry.from === "user") { b.textContent = entry.text; } else { richText(b, entry.text); }
    row.appendChild(b);
    return row;
  }

  function templateCard(entry) {
    var d = entry.data || {}, card = el("div", "tpl");
    var value = function (k) { return (d[k] && d[k].value) || ""; };
    card.appendChild(el("p", "tpl__title", "审核结果通知"));
    card.appendChild(el("p", "tpl__first", value("first")));
    [["keyword1", "姓名"], ["keyword2", "审核结果"], ["keyword3", "审核时间"]].forEach(function (kv) {
      var row = el("div", "tpl__row");
      row.appendChild(el("span", "tpl__label", kv[1]));
      var v = el("span", "tpl__value", value(kv[0]));
      if (d[kv[0]] && d[kv[0]].color) { v.style.color = d[kv[0]].color; }
      row.appendChild(v);
      card.appendChild(row);
    });
    if (value("remark")) { card.appendChild(el("p", "tpl__remark", value("remark"))); }
    if (entry.url) { card.appendChild(link(entry.url, "详情", "tpl__link")); }
    return card;
  }

  function drawChat(chat) {
    if (chat.length === state.chatLength) { return; }
    state.chatLength = chat.length;
    var box = $("chat");
    box.textContent = "";
    chat.forEach(function (entry) { box.appendChild(bubble(entry)); });
    box.scrollTop = box.scrollHeight;
  }

  function drawMenu(menu) {
    var key = JSON.stringify(menu);
    if (key === state.menuKey) { return; }
    state.menuKey = key;
    state.menu = menu;
    var box = $("menu-buttons");
    box.textContent = "";
    var buttons = (menu && menu.button) || [];
    if (!buttons.length) {
      box.appendChild(el("span", "menu-empty", "公众号尚未发布菜单（flask wx menu-publish）"));
      showInput(true);
      return;
    }
    buttons.forEach(function (button) {
      var subs = button.sub_button && button.sub_button.length ? button.sub_button : null;
      var b = el("button", "menu-btn" + (subs ? " menu-btn_parent" : ""), button.name);
      b.type = "button";
      b.addEventListener("click", function () { subs ? toggleSubmenu(b, subs) : tap(button); });
      box.appendChild(b);
    });
    showInput(false);
  }

  function toggleSubmenu(anchor, subs) {
    var pop = $("submenu");
    if (!pop.hidden && pop.dataset.owner === anchor.textContent) { pop.hidden = true; return; }
    pop.textContent = "";
    pop.dataset.owner = anchor.textContent;
    subs.forEach(function (sub) {
      var b = el("button", "submenu-btn", sub.name);
      b.type = "button";
      b.addEventListener("click", function () { pop.hidden = true; tap(sub); });
      pop.appendChild(b);
    });
    var phone = $("phone").getBoundingClientRect(), r = anchor.getBoundingClientRect();
    pop.hidden = false;
    var left = r.left - phone.left + r.width / 2 - pop.offsetWidth / 2;
    pop.style.left = Math.max(8, Math.min(left, phone.width - pop.offsetWidth - 8)) + "px";
  }

  function tap(button) {
    if (button.type === "view") {
      send({ kind: "event", event: "VIEW", key: button.url });
      openWeb(button.url, button.name);
    } else {
      send({ kind: "event", event: "CLICK", key: button.key || "" });
    }
  }

  function send(body) { return api("POST", "/sandbox/control/send", body).then(refresh); }

  function openWeb(url, title) {
    $("web-title").textContent = title || "";
    $("web-frame").src = url;
    $("web").hidden = false;
  }

  function showInput(on) { $("input-row").hidden = !on; $("menu-row").hidden = on; }

  function refresh() {
    return api("GET", "/sandbox/control/phone").then(function (s) {
      state.openid = s.openid;
      $("openid").textContent = s.openid;
      $("subscribed").textContent = s.subscribed ? "已关注" : "未关注";
      $("aes").textContent = s.aes ? "安全模式（AES）" : "明文模式";
      $("follow-card").hidden = s.subscribed;
      $("fault").value = s.faults.mode || "";
      drawMenu(s.menu);
      drawChat(s.chat);
      return api("GET", "/sandbox/control/counters");
    }).then(function (c) {
      $("counters").textContent = "计数：获取 token " + c.token + " 次，模板消息 " + c.send + " 条，网页授权换取 " +
        c.oauth_exchange + " 次，推送到 /wx " + c.wx_post + " 次";
    });
  }

  $("btn-follow").addEventListener("click", function () { send({ kind: "event", event: "subscribe" }); });
  $("btn-unfollow").addEventListener("click", function () { send({ kind: "event", event: "unsubscribe" }); });
  $("btn-new").addEventListener("click", function () {
    api("POST", "/sandbox/control/followers", { subscribed: false, current: true }).then(function () {
      state.chatLength = -1;
      return refresh();
    });
  });
  $("to-input").addEventListener("click", function () { showInput(true); $("text").focus(); });
  $("to-menu").addEventListener("click", function () { if (state.menu) { showInput(false); } });
  $("input-row").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("text").value.trim();
    if (!text) { return; }
    $("text").value = "";
    send({ kind: "text", content: text });
  });
  $("web-close").addEventListener("click", function () { $("web").hidden = true; $("web-frame").src = "about:blank"; });
  $("fault").addEventListener("change", function () {
    api("POST", "/sandbox/control/faults", { mode: $("fault").value, slow: 0 });
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest(".phone__submenu") && !e.target.closest(".menu-btn_parent")) { $("submenu").hidden = true; }
  });
  refresh();
  setInterval(refresh, 3000);
})();
