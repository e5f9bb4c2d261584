// Toasts for htmx: errors arrive as an HX-Trigger "zhili-toast" event or as a failed response.
// #toasts is a bar in the page's flow under the top bar, never over the content: a toast pushes the
// page down (the browser keeps what is on screen in place), one at a time. An error is also written
// into the form that was sent, where the person is looking.
(function () {
  var timer = null;
  function toast(message, level) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var el = document.createElement("div");
    el.className = "toast " + (level || "info");
    el.setAttribute("role", level === "error" ? "alert" : "status");
    el.textContent = message;
    box.replaceChildren(el);
    clearTimeout(timer);
    timer = setTimeout(function () { el.remove(); }, 8000);
  }
  function inForm(elt, message) {
    var form = elt && elt.closest ? elt.closest("form") : null;
    if (!form || !message) return;
    var note = form.querySelector(":scope > .act-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "act-error";
      note.setAttribute("role", "alert");
      form.insertBefore(note, form.firstChild);
    }
    note.textContent = message;
  }
  window.zhiliToast = toast;
  document.addEventListener("zhili-toast", function (evt) {
    var d = evt.detail || {};
    toast(d.message, d.level);
    if (d.level === "error") inForm(evt.target, d.message);
  });
  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr && xhr.getResponseHeader("HX-Trigger")) return; // already shown by zhili-toast
    var message = (xhr && xhr.responseText) || "请求失败，请稍后再试";
    toast(message, "error");
    inForm(evt.detail.elt, message);
  });
  document.addEventListener("htmx:sendError", function () { toast("网络连接失败，请检查网络后重试", "error"); });
})();

// Work lists keep their order: an action answers with its row only (cases/web/rows.py). Rows the
// case moved to in another list of the page come in .row-moves: each replaces that list's row of
// the case, or goes to the end of the list. Counts ([data-count]) follow the rows left to do.
(function () {
  function place() {
    document.querySelectorAll(".row-moves").forEach(function (moves) {
      Array.prototype.slice.call(moves.children).forEach(function (row) {
        var old = document.getElementById(row.id);
        var list = document.getElementById("rows-" + row.getAttribute("data-section"));
        if (old && old !== row) old.replaceWith(row);
        else if (list) {
          list.appendChild(row);
          var section = list.closest("section[hidden]");
          if (section) section.hidden = false;
        }
      });
      moves.remove();
    });
    document.querySelectorAll("[data-count]").forEach(function (el) {
      var list = document.querySelector(el.getAttribute("data-count"));
      if (list) el.textContent = list.querySelectorAll("article.case-row").length;
    });
  }
  document.addEventListener("htmx:afterSettle", place);
})();

// htmx: a 422 carries the form again with its errors, so swap it; other errors only toast.
(function () {
  if (!window.htmx) return;
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
  // Workbenches re-render whole lists after an action; keep history snapshots small and fresh.
  htmx.config.historyCacheSize = 5;
})();

// Deadline countdowns: every [data-due] shows the time left (or overdue), refreshed each 30 s.
(function () {
  function label(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    var text = days ? days + " 天 " + hours + " 小时" : hours ? hours + " 小时 " + mins + " 分" : mins + " 分钟";
    return (ms < 0 ? "超期 " : "剩 ") + text;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      el.textContent = label(due - now);
      if (due < now) el.classList.add("overdue");
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
  setInterval(tick, 30000);
})();

// Live location resolution: address or coordinates → 区/街道/社区 via /api/divisions/resolve.
(function () {
  var timer = null;
  function value(id) { var el = document.getElementById(id); return el ? el.value.trim() : ""; }
  function resolve(target) {
    var params = new URLSearchParams();
    var address = value("f-address"), lat = value("f-lat"), lng = value("f-lng");
    if (address) params.set("address", address);
    if (lat && lng) { params.set("lat", lat); params.set("lng", lng); }
    if (!params.toString()) return;
    fetch("/api/divisions/resolve?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        var out = document.querySelector(target);
        if (!out) return;
        if (!res.ok) { out.textContent = (res.body.error && res.body.error.message) || "无法解析该位置"; return; }
        var b = res.body, parts = [b.district, b.street, b.community].filter(Boolean).map(function (d) { return d.name; });
        out.textContent = parts.length ? "定位：" + parts.join(" › ") + "（置信度 " + Math.round(b.confidence * 100) + "%）"
          : "未能识别所属区划，请补充地址或在地图上点选";
        out.setAttribute("data-resolved", parts.length ? "1" : "0");
      })
      .catch(function () {});
  }
  document.addEventListener("input", function (evt) {
    var target = evt.target && evt.target.getAttribute && evt.target.getAttribute("data-resolve");
    if (!target) return;
    clearTimeout(timer);
    timer = setTimeout(function () { resolve(target); }, 400);
  });
})();

// Suggestion buttons: set a field (the category) or close the demand from a knowledge entry.
document.addEventListener("click", function (evt) {
  var el = evt.target.closest && evt.target.closest("[data-set], [data-direct-close]");
  if (!el) return;
  if (el.hasAttribute("data-set")) {
    var field = document.querySelector(el.getAttribute("data-set"));
    if (field) { field.value = el.getAttribute("data-value"); field.dispatchEvent(new Event("change", { bubbles: true })); }
    if (el.hasAttribute("data-kind")) { // 关联 / 重办 on a repeat caller: say what the 受理 will do
      var kind = document.getElementById("f-relate_kind");
      if (kind) kind.value = el.getAttribute("data-kind");
      var said = document.querySelector("#relate-chosen small");
      if (said) said.textContent = (el.getAttribute("data-kind") === "reopen" ? "受理后将关联并请求重办：" : "受理后将关联到：") + el.getAttribute("data-value");
    }
    return;
  }
  var form = document.getElementById("intake-form");
  if (!form) return;
  form.querySelector("[name=knowledge_entry_id]").value = el.getAttribute("data-direct-close");
  var type = form.querySelector("[name=demand_type]");
  if (type) type.value = "consultation"; // an answer from the knowledge base closes a consultation
  form.requestSubmit();
});

// The Beijing district outlines (local GeoJSON), fetched once and registered with ECharts as
// "beijing"; the case map, the citizen's pin and the dashboards all draw on it.
window.zhiliBeijingMap = (function () {
  var geo = null;
  return function (url) {
    if (!geo) geo = fetch(url || "/geo/beijing-districts.json").then(function (r) { return r.json(); })
      .then(function (json) {
        if (window.echarts) window.echarts.registerMap("beijing", json);
        return json;
      });
    return geo;
  };
})();

// The same district map as plain SVG, for pages without ECharts (the citizen portal stays light):
// outlines from the local GeoJSON, the case's district highlighted, a pin; data-pick lets a click
// set the latitude and longitude fields.
window.zhiliSvgMap = (function () {
  var NS = "http://www.w3.org/2000/svg", W = 1000;
  function rings(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return geometry.coordinates;
    if (geometry.type === "MultiPolygon") return [].concat.apply([], geometry.coordinates);
    return [];
  }
  return function (el) {
    window.zhiliBeijingMap(el.getAttribute("data-geo")).then(function (geo) {
      var minX = 180, maxX = -180, minY = 90, maxY = -90;
      geo.features.forEach(function (f) {
        rings(f.geometry).forEach(function (ring) {
          ring.forEach(function (p) {
            minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]); minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
          });
        });
      });
      var k = Math.cos(((minY + maxY) / 2) * Math.PI / 180), scale = W / ((maxX - minX) * k), H = Math.round((maxY - minY) * scale);
      function xy(lng, lat) { return [((lng - minX) * k * scale).toFixed(1), ((maxY - lat) * scale).toFixed(1)]; }
      var svg = document.createElementNS(NS, "svg");
      svg.setAttribute("viewBox", "0 0 " + W + " " + H);
      svg.setAttribute("class", "svg-map");
      var district = el.getAttribute("data-district");
      geo.features.forEach(function (f) {
        var d = rings(f.geometry).map(function (ring) {
          return "M" + ring.map(function (p) { return xy(p[0], p[1]).join(","); }).join("L") + "Z";
        }).join("");
        var path = document.createElementNS(NS, "path");
        path.setAttribute("d", d);
        path.setAttribute("class", f.properties && f.properties.name === district ? "district on" : "district");
        var title = document.createElementNS(NS, "title");
        title.textContent = (f.properties && f.properties.name) || "";
        path.appendChild(title);
        svg.appendChild(path);
      });
      var pin = document.createElementNS(NS, "circle");
      pin.setAttribute("r", "9");
      pin.setAttribute("class", "pin");
      function place(lng, lat) { var p = xy(lng, lat); pin.setAttribute("cx", p[0]); pin.setAttribute("cy", p[1]); if (!pin.parentNode) svg.appendChild(pin); }
      var lat = parseFloat(el.getAttribute("data-lat")), lng = parseFloat(el.getAttribute("data-lng"));
      if (!isNaN(lat) && !isNaN(lng)) place(lng, lat);
      if (el.getAttribute("data-pick")) {
        svg.addEventListener("click", function (evt) {
          var pt = svg.createSVGPoint();
          pt.x = evt.clientX; pt.y = evt.clientY;
          var local = pt.matrixTransform(svg.getScreenCTM().inverse()), x = local.x, y = local.y;
          var lngValue = minX + x / (k * scale), latValue = maxY - y / scale;
          var lngField = document.getElementById("f-lng"), latField = document.getElementById("f-lat");
          if (!lngField || !latField) return;
          lngField.value = lngValue.toFixed(6);
          latField.value = latValue.toFixed(6);
          place(lngValue, latValue);
          latField.dispatchEvent(new Event("input", { bubbles: true }));
        });
      }
      el.innerHTML = "";
      el.appendChild(svg);
    });
  };
})();

// District maps (ECharts): a case's location, or a pin the citizen places.
(function () {
  var loadGeo = window.zhiliBeijingMap;
  function draw(el) {
    if (el.getAttribute("data-drawn")) return;
    if (!window.echarts) { el.setAttribute("data-drawn", "1"); window.zhiliSvgMap(el); return; }
    el.setAttribute("data-drawn", "1");
    loadGeo(el.getAttribute("data-geo")).then(function () {
      var chart = window.echarts.init(el);
      var lat = parseFloat(el.getAttribute("data-lat")), lng = parseFloat(el.getAttribute("data-lng"));
      var district = el.getAttribute("data-district");
      var point = !isNaN(lat) && !isNaN(lng) ? [[lng, lat]] : [];
      chart.setOption({
        geo: { map: "beijing", roam: true, label: { show: false }, selectedMode: false,
               regions: district ? [{ name: district, itemStyle: { areaColor: "#fde68a" } }] : [],
               itemStyle: { areaColor: "#eef2f6", borderColor: "#8a94a6" }, emphasis: { itemStyle: { areaColor: "#dbeafe" } } },
        series: [{ type: "scatter", coordinateSystem: "geo", data: point, symbolSize: 14, itemStyle: { color: "#b42318" } }],
      });
      window.addEventListener("resize", function () { chart.resize(); });
      if (el.getAttribute("data-pick")) {
        chart.getZr().on("click", function (evt) {
          var coord = chart.convertFromPixel({ geoIndex: 0 }, [evt.offsetX, evt.offsetY]);
          if (!coord) return;
          var lngField = document.getElementById("f-lng"), latField = document.getElementById("f-lat");
          lngField.value = coord[0].toFixed(6);
          latField.value = coord[1].toFixed(6);
          chart.setOption({ series: [{ data: [coord] }] });
          latField.dispatchEvent(new Event("input", { bubbles: true }));
        });
      }
    });
  }
  function drawAll(root) { (root || document).querySelectorAll(".map[data-geo]").forEach(draw); }
  window.addEventListener("load", function () { drawAll(); });
  document.addEventListener("htmx:afterSettle", function (evt) { drawAll(evt.target); });
})();

// Behaviour that pages ask for with data attributes (the CSP allows no inline handlers):
// data-confirm on a form asks before it is sent, data-print prints, data-back goes back,
// data-select-on-focus selects a field's text (a secret shown once, to copy).
(function () {
  document.addEventListener("focusin", function (evt) {
    if (evt.target.hasAttribute && evt.target.hasAttribute("data-select-on-focus")) evt.target.select();
  });
  document.addEventListener("submit", function (evt) {
    var form = evt.target.closest && evt.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) evt.preventDefault();
  }, true);
  document.addEventListener("click", function (evt) {
    var target = evt.target.closest && evt.target.closest("[data-print], [data-back]");
    if (!target) return;
    evt.preventDefault();
    if (target.hasAttribute("data-print")) window.print();
    else window.history.back();
  });
})();

// Pickers by name ([data-picker], templates/_picker.html): type a name, pinyin initials ("wj" →
// 望京) or a code; choose with the mouse or ↑ ↓ Enter; the field keeps the code, the name shows beside it.
(function () {
  var timer = null, seq = 0;
  function parts(box) {
    return { input: box.querySelector("input"), list: box.querySelector(".picker-list"), shown: box.querySelector(".picker-name") };
  }
  function token(box, input) {
    if (!box.hasAttribute("data-multiple")) return input.value.trim();
    var all = input.value.split(/[\s,，、]+/);
    return all[all.length - 1] || "";
  }
  function close(box) {
    var p = parts(box);
    p.list.hidden = true;
    p.list.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
  }
  function choose(box, li) {
    var p = parts(box), code = li.getAttribute("data-code"), name = li.getAttribute("data-name");
    if (box.hasAttribute("data-multiple")) {
      var kept = p.input.value.split(/[\s,，、]+/).slice(0, -1).filter(Boolean);
      if (kept.indexOf(code) < 0) kept.push(code);
      p.input.value = kept.join(" ") + " ";
      p.shown.textContent = (p.shown.textContent ? p.shown.textContent + "、" : "") + name;
    } else {
      p.input.value = code;
      p.shown.textContent = name;
    }
    close(box);
    p.input.dispatchEvent(new Event("change", { bubbles: true }));
    p.input.focus();
  }
  function show(box, options) {
    var p = parts(box);
    p.list.innerHTML = "";
    options.forEach(function (o, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-code", o.code);
      li.setAttribute("data-name", o.name);
      if (i === 0) li.setAttribute("aria-selected", "true");
      var name = document.createElement("span");
      name.textContent = o.name;
      var code = document.createElement("small");
      code.className = "code";
      code.textContent = " " + o.code + (o.hint ? " · " + o.hint : "");
      li.appendChild(name);
      li.appendChild(code);
      p.list.appendChild(li);
    });
    if (!options.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "没有匹配的选项";
      p.list.appendChild(none);
    }
    p.list.hidden = false;
    p.input.setAttribute("aria-expanded", "true");
  }
  function search(box) {
    var p = parts(box), url = box.getAttribute("data-picker"), mine = ++seq;
    var q = token(box, p.input);
    url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { options: [] }; })
      .then(function (body) { if (mine === seq && document.activeElement === p.input) show(box, body.options || []); })
      .catch(function () {});
  }
  function boxOf(el) { return el && el.closest ? el.closest("[data-picker]") : null; }
  document.addEventListener("input", function (evt) {
    var box = boxOf(evt.target);
    if (!box || evt.target.tagName !== "INPUT") return;
    if (!box.hasAttribute("data-multiple")) parts(box).shown.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(function () { search(box); }, 150);
  });
  document.addEventListener("focusin", function (evt) {
    var box = boxOf(evt.target);
    if (box && evt.target.tagName === "INPUT" && !evt.target.value) search(box);
  });
  document.addEventListener("keydown", function (evt) {
    var box = boxOf(evt.target);
    if (!box || evt.target.tagName !== "INPUT") return;
    var p = parts(box);
    if (p.list.hidden) return;
    var items = Array.prototype.slice.call(p.list.querySelectorAll("li[data-code]"));
    var at = items.findIndex(function (li) { return li.getAttribute("aria-selected") === "true"; });
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      evt.preventDefault();
      if (!items.length) return;
      if (at >= 0) items[at].removeAttribute("aria-selected");
      at = (at + (evt.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[at].setAttribute("aria-selected", "true");
      items[at].scrollIntoView({ block: "nearest" });
    } else if (evt.key === "Enter" && at >= 0) {
      evt.preventDefault();
      choose(box, items[at]);
    } else if (evt.key === "Escape") {
      close(box);
    }
  });
  document.addEventListener("mousedown", function (evt) {
    var li = evt.target.closest && evt.target.closest(".picker-list li[data-code]");
    if (li) { evt.preventDefault(); choose(boxOf(li), li); }
  });
  document.addEventListener("focusout", function (evt) {
    var box = boxOf(evt.target);
    if (box) setTimeout(function () { if (!box.contains(document.activeElement)) close(box); }, 100);
  });
})();
