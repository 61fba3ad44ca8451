// The anonymous channel's proof of work (core/pow.py): while the person writes, find n such
// that SHA-256(token + ":" + n) starts with the asked number of zero bits, and send it with
// the form. The server asks for it only when the channel is busy; without JavaScript the form
// still works when it is not.
(function () {
  var forms = document.querySelectorAll("form[data-pow-bits]");
  if (!forms.length || !window.crypto || !window.crypto.subtle || !window.TextEncoder) { return; }
  var encoder = new TextEncoder();

  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { bits += 1; b <<= 1; }
      return bits;
    }
    return bits;
  }

  function solve(challenge, bits) {
    var n = 0;
    function next() {
      var batch = [];
      for (var i = 0; i < 64; i++) {
        batch.push(window.crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + (n + i))));
      }
      return Promise.all(batch).then(function (digests) {
        for (var i = 0; i < digests.length; i++) {
          if (zeroBits(new Uint8Array(digests[i])) >= bits) { return String(n + i); }
        }
        n += digests.length;
        return next();
      });
    }
    return next();
  }

  Array.prototype.forEach.call(forms, function (form) {
    var bits = parseInt(form.getAttribute("data-pow-bits"), 10) || 0;
    var token = form.querySelector("input[name=form_token]");
    var answer = form.querySelector("input[name=pow]");
    if (!bits || !token || !answer) { return; }
    var solved = solve(token.value, bits).then(function (value) { answer.value = value; });
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (answer.value || sending) { return; }
      event.preventDefault();
      sending = true;
      var button = form.querySelector("button[type=submit]");
      if (button) { button.setAttribute("aria-busy", "true"); }
      solved.then(function () { form.submit(); });
    });
  });
})();
