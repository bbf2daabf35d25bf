// The QR code's signed statement (issue 19), checked in the browser: the QR code opens
// /v/<code>#<JWS>, and the part after "#" never reaches the server, so this page checks the
// ES256 signature itself with the office's public keys that the server embedded
// (json_script "certificate-keys"). SHA-256 and P-256 are written out here because
// crypto.subtle exists only on https pages, and the check must make no network request at all.
// The live status above stays the authority: this panel only says what the QR code states.
(function () {
  "use strict";

  var MALFORMED = "二维码中的签名数据不完整或格式错误";
  var UNKNOWN_KEY = "签名密钥未知：不是本证书发证机关公布的密钥";
  var KEY_REVOKED = "签名密钥已吊销";
  var KEY_EXPIRED = "签名密钥已过期";
  var BAD_SIGNATURE = "签名无效：内容被修改或不是由该密钥签署";
  var OTHER_CERTIFICATE = "二维码中的签名声明与本证书不符";

  // SHA-256 (FIPS 180-4).
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
    0x5be0cd19];

  function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

  function sha256(data) {
    var total = ((data.length + 9 + 63) >> 6) << 6;
    var m = new Uint8Array(total);
    m.set(data);
    m[data.length] = 0x80;
    var view = new DataView(m.buffer);
    view.setUint32(total - 8, Math.floor(data.length / 0x20000000));
    view.setUint32(total - 4, (data.length << 3) >>> 0);
    var h = new Uint32Array(H0), w = new Uint32Array(64), t;
    for (var off = 0; off < total; off += 64) {
      for (t = 0; t < 16; t++) w[t] = view.getUint32(off + 4 * t);
      for (t = 16; t < 64; t++) {
        var x = w[t - 15], y = w[t - 2];
        w[t] = w[t - 16] + (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + w[t - 7] +
          (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] +
          w[t]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
    }
    var out = new Uint8Array(32), outView = new DataView(out.buffer);
    for (t = 0; t < 8; t++) outView.setUint32(4 * t, h[t]);
    return out;
  }

  // ECDSA P-256 verification (SEC 1 4.1.4) with the curve of SEC 2 / FIPS 186-4, in Jacobian
  // coordinates (a = -3); BigInt() calls rather than 1n literals, so that a browser without
  // BigInt still parses this file and says so.
  var HAS_BIGINT = typeof BigInt === "function";
  var big = HAS_BIGINT ? BigInt : function () { return 0; };
  var ZERO = big(0), ONE = big(1), TWO = big(2), THREE = big(3), FOUR = big(4), EIGHT = big(8);
  var P = big("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
  var N = big("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  var B = big("0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
  var G = [big("0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
    big("0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"), ONE];
  var INFINITY = [ONE, ONE, ZERO];

  function mod(a, m) { var r = a % m; return r < ZERO ? r + m : r; }

  function inverse(a, m) {  // Fermat: m is prime
    var result = ONE, base = mod(a, m), e = m - TWO;
    for (; e > ZERO; e >>= ONE) {
      if (e & ONE) result = result * base % m;
      base = base * base % m;
    }
    return result;
  }

  function dbl(p) {
    if (p[2] === ZERO || p[1] === ZERO) return INFINITY;
    var delta = p[2] * p[2] % P, gamma = p[1] * p[1] % P, beta = p[0] * gamma % P;
    var alpha = THREE * mod((p[0] - delta) * (p[0] + delta), P) % P;
    var x = mod(alpha * alpha - EIGHT * beta, P);
    var z = mod((p[1] + p[2]) * (p[1] + p[2]) - gamma - delta, P);
    return [x, mod(alpha * (FOUR * beta - x) - EIGHT * gamma * gamma, P), z];
  }

  function add(p, q) {
    if (p[2] === ZERO) return q;
    if (q[2] === ZERO) return p;
    var pz2 = p[2] * p[2] % P, qz2 = q[2] * q[2] % P;
    var u1 = p[0] * qz2 % P, u2 = q[0] * pz2 % P;
    var s1 = p[1] * q[2] % P * qz2 % P, s2 = q[1] * p[2] % P * pz2 % P;
    var h = mod(u2 - u1, P), r = mod(s2 - s1, P);
    if (h === ZERO) return r === ZERO ? dbl(p) : INFINITY;
    var hh = h * h % P, hhh = h * hh % P, v = u1 * hh % P;
    var x = mod(r * r - hhh - TWO * v, P);
    return [x, mod(r * (v - x) - s1 * hhh, P), p[2] * q[2] % P * h % P];
  }

  function toBig(bytes) {
    var hex = "0x0";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] | 0x100).toString(16).slice(1);
    return big(hex);
  }

  function ecdsaVerify(digest, r, s, qx, qy) {
    if (r <= ZERO || r >= N || s <= ZERO || s >= N || qx >= P || qy >= P) return false;
    if (mod(qy * qy - (qx * qx % P * qx - THREE * qx + B), P) !== ZERO) return false;
    var w = inverse(s, N), u1 = toBig(digest) * w % N, u2 = r * w % N;
    var q = [qx, qy, ONE], gq = add(G, q), point = INFINITY;
    var bits1 = u1.toString(2).padStart(256, "0"), bits2 = u2.toString(2).padStart(256, "0");
    for (var i = 0; i < 256; i++) {  // Shamir's trick: u1·G + u2·Q in one pass
      point = dbl(point);
      var step = bits1[i] === "1" ? (bits2[i] === "1" ? gq : G) : (bits2[i] === "1" ? q : null);
      if (step) point = add(point, step);
    }
    if (point[2] === ZERO) return false;
    var zinv = inverse(point[2], P);
    return point[0] * zinv % P * zinv % P % N === r;
  }

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  function unb64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error("base64url");
    var out = new Uint8Array(Math.floor(text.length * 3 / 4)), value = 0, bits = 0, j = 0;
    for (var i = 0; i < text.length; i++) {
      value = (value << 6) | ALPHABET.indexOf(text.charAt(i));
      bits += 6;
      if (bits >= 8) { bits -= 8; out[j++] = (value >> bits) & 0xff; value &= (1 << bits) - 1; }
    }
    return out.subarray(0, j);
  }

  function jsonOf(text) {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(unb64url(text)));
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function wellFormed(payload) {
    return ["c", "n", "m", "d"].every(function (name) {
      return typeof payload[name] === "string";
    }) &&
      Array.isArray(payload.y) && payload.y.every(function (row) {
        return Array.isArray(row) && row.length === 5;
      });
  }

  // What the statement ``token`` is worth for the page ``data`` ({code, keys}) at ``now`` (ms):
  // {ok, reason, payload, key}. The order of the reasons is statement.py's statement_verify.
  function check(token, data, now) {
    var parts = token.split("."), header, payload, signature;
    try {
      if (parts.length !== 3) throw new Error("parts");
      header = jsonOf(parts[0]);
      payload = jsonOf(parts[1]);
      signature = unb64url(parts[2]);
    } catch (error) {
      return { ok: false, reason: MALFORMED };
    }
    if (!isObject(header) || header.alg !== "ES256" || !isObject(payload) ||
        !wellFormed(payload) || signature.length !== 64) {
      return { ok: false, reason: MALFORMED };
    }
    var key = (data.keys || []).filter(function (k) {
      return k.kid === header.kid && k.role === "office";
    })[0];
    if (!key) return { ok: false, reason: UNKNOWN_KEY };
    if (key.status === "revoked") return { ok: false, reason: KEY_REVOKED, key: key };
    if (!(now >= Date.parse(key.not_before) && now <= Date.parse(key.not_after))) {
      return { ok: false, reason: KEY_EXPIRED, key: key };
    }
    var input = parts[0] + "." + parts[1], bytes = new Uint8Array(input.length);
    for (var i = 0; i < input.length; i++) bytes[i] = input.charCodeAt(i);
    var valid = ecdsaVerify(sha256(bytes), toBig(signature.subarray(0, 32)),
      toBig(signature.subarray(32)), toBig(unb64url(key.jwk.x)), toBig(unb64url(key.jwk.y)));
    if (!valid) return { ok: false, reason: BAD_SIGNATURE, key: key };
    if (payload.c !== data.code) return { ok: false, reason: OTHER_CERTIFICATE, key: key };
    return { ok: true, reason: "", payload: payload, key: key };
  }

  if (typeof module === "object" && module.exports) {  // node, for the tests
    module.exports = { sha256: sha256, check: check };
    return;
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function hours(value) {  // "30.0" in the statement, 30 on the page above
    var number = Number(value);
    return isFinite(number) ? String(number) : value;
  }

  function dateText(iso) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    return match ? match[1] + "年" + Number(match[2]) + "月" + Number(match[3]) + "日" : iso;
  }

  function statementContent(panel, payload, key) {
    panel.appendChild(element("p", "二维码中的签名声明由" + key.office + "的密钥（" + key.kid +
      "）签署，内容如下："));
    var facts = element("dl", undefined, "facts vf-facts");
    [["核验码", payload.c], ["证书管理号", payload.n || "—"], ["姓名", payload.m],
      ["出证日期", dateText(payload.d)]].forEach(function (fact) {
      facts.appendChild(element("dt", fact[0]));
      facts.appendChild(element("dd", fact[1]));
    });
    panel.appendChild(facts);
    var wrap = element("div", undefined, "table-wrap vf-years-wrap");
    var table = element("table", undefined, "table vf-years");
    var head = element("tr");
    ["年度", "公需科目", "专业科目", "合计", "完成情况"].forEach(function (label) {
      head.appendChild(element("th", label));
    });
    table.appendChild(element("thead")).appendChild(head);
    var body = table.appendChild(element("tbody"));
    payload.y.forEach(function (row) {
      var line = body.appendChild(element("tr"));
      line.appendChild(element("td", String(row[0])));
      [row[1], row[2], row[3]].forEach(function (value) {
        line.appendChild(element("td", hours(value), "num"));
      });
      line.appendChild(element("td", row[4] ? "合格" : "未完成"));
    });
    wrap.appendChild(table);
    panel.appendChild(wrap);
  }

  function show(panel, result, data) {
    panel.textContent = "";
    panel.className = "panel vf-panel vf-statement " +
      (result.ok ? "vf-statement-ok" : "vf-statement-bad");
    panel.appendChild(element("h2", "二维码签名核验"));
    panel.appendChild(element("p", (result.ok ? "✓ 签名有效" : "✗ " + result.reason),
      "vf-statement-label"));
    if (result.ok) {
      statementContent(panel, result.payload, result.key);
      panel.appendChild(element("p", "以上签名已在您的浏览器中用发证机关公布的公钥核验，未经网络" +
        "查询。签名证明的是出证时二维码所载的内容；证书现在是否有效，以上方的实时核验结果为准。",
        "help"));
      if (!data.valid) {
        panel.appendChild(element("p", "注意：本证书当前状态为“" + data.status_label +
          "”。签名有效只说明二维码内容未被改动，不代表证书仍然有效。"));
      }
    } else {
      panel.appendChild(element("p", "二维码中的签名声明未通过本页的核验（在您的浏览器中完成，" +
        "未经网络查询）。上方显示的是平台记录的实时状态，以其为准；请核对纸质证书上的内容与上方" +
        "记录是否一致。", "help"));
    }
    panel.hidden = false;
  }

  function run() {
    var token = window.location.hash.replace(/^#/, "");
    // No statement (an address typed by hand), or a jump to an anchor of the page.
    if (!token || document.getElementById(token)) return;
    var panel = document.querySelector("[data-testid='statement-result']");
    var source = document.getElementById("certificate-keys");
    if (!panel || !source) return;
    if (!HAS_BIGINT || typeof TextDecoder !== "function") {
      show(panel, { ok: false, reason: "您的浏览器版本过旧，无法在本页核验二维码中的签名" }, {});
      return;
    }
    var data = JSON.parse(source.textContent);
    show(panel, check(token, data, Date.now()), data);
  }

  run();
  window.addEventListener("hashchange", run);
})();
