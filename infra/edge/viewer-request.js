// The site's CloudFront Function (cloudfront-js-2.0, viewer request, default behaviour):
// `/` goes to the visitor's language, the short links answer 301, a folder address gets
// its index.html (S3 has no folders) or, without its slash, a 301 to it.
// infra/edge_function.py renders it into the deployed template (build/infra/template.yaml)
// with the short links of content/data/shortlinks.yml in place of the empty table below.
// functions/localdev/edge.py is the same in Python for the local mode:
// tests/infra/test_edge_function.py runs both on the same requests.

var SHORT_LINKS = {}; // rendered from content/data/shortlinks.yml

// A Location's path and query hold only what RFC 3986 allows unencoded (encodeURI's set,
// less "?" and "#" in a path, "#" in a query); escapes already there stay. Everything else
// is percent-encoded (UTF-8), so a browser cannot strip or rewrite it (tabs, newlines,
// "\" read as "/") into `//host`. Native calls only: an 8 KB hostile address costs
// no more than a plain one.
function encode(text) {
  var encoded;
  try {
    encoded = encodeURI(text);
  } catch (loneSurrogate) {
    encoded = encodeURI(wellFormed(text));
  }
  return encoded.replace(/%25(?=[0-9A-Fa-f]{2})/g, "%").replace(/#/g, "%23");
}

// Lone surrogates as U+FFFD, as a UTF-8 decoder reads them.
function wellFormed(text) {
  var out = "";
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    var pair = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += text.charAt(i) + text.charAt(i + 1);
      i++;
    } else {
      out += (c & 0xf800) === 0xd800 ? "\ufffd" : text.charAt(i);
    }
  }
  return out;
}

// A Location on this site whatever the request held: one "/", then never "/" or "\".
function sitePath(path) {
  return "/" + encode(path).replace(/\?/g, "%3F").replace(/^\/+/, "");
}

// French unless the visitor ranks English strictly higher (q-values, RFC 9110).
function language(acceptLanguage) {
  var best = { fr: 0, en: 0 };
  acceptLanguage.split(",").forEach(function (part) {
    var pieces = part.split(";");
    var tag = pieces[0].replace(/^[ \t]+|[ \t]+$/g, "").toLowerCase().split("-")[0];
    if (tag !== "fr" && tag !== "en") {
      return;
    }
    var q = 1;
    pieces.slice(1).forEach(function (parameter) {
      var p = parameter.replace(/^[ \t]+|[ \t]+$/g, "");
      if (p.indexOf("q=") === 0) {
        // qvalue = 0[.ddd] / 1[.000]; anything else ranks the language last.
        q = /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(p.slice(2)) ? Number(p.slice(2)) : 0;
      }
    });
    if (q > best[tag]) {
      best[tag] = q;
    }
  });
  return best.en > best.fr ? "en" : "fr";
}

// Kept on redirects so a press release's utm_* parameters reach the page.
function query(querystring) {
  var parts = [];
  Object.keys(querystring).forEach(function (name) {
    var entry = querystring[name];
    var values = entry.multiValue ? entry.multiValue : [entry];
    values.forEach(function (v) {
      parts.push(v.value === "" ? name : name + "=" + v.value);
    });
  });
  return parts.length ? "?" + encode(parts.join("&")) : "";
}

function redirect(status, path, qs, cacheControl, vary) {
  var headers = {
    location: { value: sitePath(path) + qs },
    "cache-control": { value: cacheControl }
  };
  if (vary) {
    headers.vary = { value: vary };
  }
  return {
    statusCode: status,
    statusDescription: status === 301 ? "Moved Permanently" : "Found",
    headers: headers
  };
}

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var qs = query(request.querystring || {});
  if (uri === "/" || uri === "/index.html") {
    var header = request.headers["accept-language"];
    var lang = language(header ? header.value : "");
    return redirect(302, "/" + lang + "/", qs, "private, no-cache", "Accept-Language");
  }
  var key = uri.replace(/\/+$/, "").toLowerCase();
  if (Object.prototype.hasOwnProperty.call(SHORT_LINKS, key)) {
    return redirect(301, SHORT_LINKS[key], qs, "public, max-age=86400", "");
  }
  if (uri.endsWith("/")) {
    request.uri = uri + "index.html";
    return request;
  }
  if (uri.slice(uri.lastIndexOf("/") + 1).indexOf(".") === -1) {
    return redirect(301, uri + "/", qs, "public, max-age=86400", "");
  }
  return request;
}
