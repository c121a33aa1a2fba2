/*
 * The checkout's card payment. The card becomes a token in the browser (its
 * number never reaches the storefront), then:
 *
 * 1. The token goes to payment-confirm, which confirms the PaymentIntent.
 * 2. 3-D Secure: stripe.confirmCardPayment(client_secret) lets the buyer
 *    authenticate.
 * 3. Authorised: the form posts to place the order.
 *
 * With real Stripe the card is typed into Stripe's Card Element and turned
 * into a token by stripe.createToken. With the local Stripe server (test
 * mode) the page has its own card fields instead (localstripe's shim has a
 * bare element that takes the year only as two digits and the number only
 * without spaces): this script reads them as people type cards (spaces in
 * the number, the expiry as MM/YY or MM/YYYY) and asks the local server's
 * /v1/tokens for the token, as the shim would. Both use the shim's, or
 * Stripe.js's, confirmCardPayment for 3-D Secure.
 */
(function () {
  "use strict";

  var EXPIRY_HELP = "Enter the expiry date as MM/YY or MM/YYYY, for example 12/30 or 12/2030.";

  /* "12/30", "12/2030", "12 / 30", "12-2030", "1230", "122030" -> {month: 12, year: 2030}; else null. */
  function parseExpiry(text) {
    var value = String(text || "").trim();
    var match = value.match(/^(\d{1,2})\s*[\/\-.\s]\s*(\d{2}|\d{4})$/) || value.match(/^(\d{2})(\d{2}|\d{4})$/);
    if (!match) {
      return null;
    }
    var month = parseInt(match[1], 10);
    var year = parseInt(match[2], 10);
    if (match[2].length === 2) {
      year += 2000;
    }
    if (month < 1 || month > 12 || year < 2000 || year > 2099) {
      return null;
    }
    return {month: month, year: year};
  }

  /* The card fields as Stripe's token API takes them, or {error: what to fix}. `today` is a Date. */
  function readCard(number, expiry, cvc, today) {
    var digits = String(number || "").replace(/[\s-]/g, "");
    if (!/^\d{16}$/.test(digits)) {
      return {error: "Enter the 16-digit card number, for example 4242 4242 4242 4242."};
    }
    var date = parseExpiry(expiry);
    if (!date) {
      return {error: EXPIRY_HELP};
    }
    var thisMonth = today.getFullYear() * 12 + today.getMonth();  // a card is good to the end of its month
    if (date.year * 12 + (date.month - 1) < thisMonth) {
      return {error: "This card's expiry date has passed. Please use another card."};
    }
    var code = String(cvc || "").trim();
    if (!/^\d{3}$/.test(code)) {
      return {error: "Enter the 3-digit security code (CVC) from the back of the card."};
    }
    return {
      card: {number: digits, exp_month: String(date.month), exp_year: String(date.year), cvc: code},
    };
  }

  var helpers = {parseExpiry: parseExpiry, readCard: readCard};
  if (typeof module !== "undefined" && module.exports) {
    module.exports = helpers;  // for the unit test run with node
  }
  if (typeof document === "undefined") {
    return;
  }

  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  var stripe = Stripe(form.dataset.publishableKey);
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("pay-button");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var localFields = document.querySelector("#card-element[data-token-url]");
  var card = null;
  if (!localFields) {
    card = stripe.elements().create("card");
    card.mount("#card-element");
  }

  function fail(message) {
    errors.textContent = message;
    button.disabled = false;
  }

  function message(error, fallback) {
    return (error && error.message && error.message !== "Bad request" && error.message) || fallback;
  }

  /* A token for the card in the local fields, from the local Stripe server: {token} or {error}. */
  async function localToken() {
    var read = readCard(
      document.getElementById("card-number").value,
      document.getElementById("card-expiry").value,
      document.getElementById("card-cvc").value,
      new Date()
    );
    if (read.error) {
      return {error: {message: read.error}};
    }
    var body = new URLSearchParams({key: form.dataset.publishableKey});
    Object.keys(read.card).forEach(function (field) {
      body.append("card[" + field + "]", read.card[field]);
    });
    try {
      var response = await fetch(localFields.dataset.tokenUrl, {method: "POST", body: body});
      var result = await response.json();
      return response.ok && !result.error ? {token: result} : {error: result.error || {}};
    } catch (err) {
      return {error: {message: "We could not reach the card service. Nothing was charged; please try again."}};
    }
  }

  async function pay(event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    var tokenResult = localFields ? await localToken() : await stripe.createToken(card);
    if (tokenResult.error || !tokenResult.token) {
      return fail(message(tokenResult.error, "Please check the card number, expiry date (MM/YY) and security code."));
    }
    var response, result;
    try {
      response = await fetch(form.dataset.confirmUrl, {
        method: "POST",
        credentials: "same-origin",
        // JSON also for the rate limiter's 429, whose "message" says when to try again.
        headers: {"X-CSRFToken": csrf, "Accept": "application/json"},
        body: new URLSearchParams({token: tokenResult.token.id, payment_intent: form.dataset.intent}),
      });
    } catch (err) {
      return fail("We could not reach the shop. Nothing was charged; please try again.");
    }
    try {
      result = await response.json();
    } catch (err) {
      return fail("The shop could not take the payment just now (error " + response.status + "). " +
                  "Nothing was charged; please try again in a moment.");
    }
    if (result.payment_intent) {
      // A declined card retires its intent; the next card uses the fresh one.
      form.dataset.intent = result.payment_intent;
      form.querySelector("input[name=payment_intent]").value = result.payment_intent;
    }
    if (result.error) {
      return fail(result.message || result.error);
    }
    if (result.status === "requires_action") {
      var action = await stripe.confirmCardPayment(result.client_secret);
      if (action.error) {
        return fail(message(action.error, "Card authentication failed. Nothing was charged; please try again."));
      }
      if (!action.paymentIntent || action.paymentIntent.status !== "requires_capture") {
        return fail("Your card was not authorised. Nothing was charged; please try again.");
      }
    } else if (result.status !== "requires_capture") {
      return fail("Your card was not authorised. Nothing was charged; please try again.");
    }
    form.removeEventListener("submit", pay);
    form.submit();
  }

  form.addEventListener("submit", pay);
})();
