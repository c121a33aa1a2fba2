/*
 * The checkout's card payment. Uses only what both Stripe.js and localstripe's
 * shim provide: elements().create("card"), createToken and confirmCardPayment.
 *
 * 1. The card becomes a token in the browser (the number never reaches us).
 * 2. The token goes to payment-confirm, which confirms the PaymentIntent.
 * 3. 3-D Secure: stripe.confirmCardPayment(client_secret) lets the buyer
 *    authenticate. 4. Authorised: the form posts to place the order.
 */
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("pay-button");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function fail(message) {
    errors.textContent = message;
    button.disabled = false;
  }

  function message(error, fallback) {
    return (error && error.message) || fallback;
  }

  async function pay(event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    var tokenResult = await stripe.createToken(card);
    if (tokenResult.error || !tokenResult.token) {
      return fail(message(tokenResult.error, "Please check your card details."));
    }
    var result;
    try {
      var response = await fetch(form.dataset.confirmUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrf},
        body: new URLSearchParams({token: tokenResult.token.id, payment_intent: form.dataset.intent}),
      });
      result = await response.json();
    } catch (err) {
      return fail("We could not reach the shop. Nothing was charged; please try again.");
    }
    if (result.payment_intent) {
      // A declined card retires its intent; the next card uses the fresh one.
      form.dataset.intent = result.payment_intent;
      form.querySelector("input[name=payment_intent]").value = result.payment_intent;
    }
    if (result.error) {
      return fail(result.error);
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
