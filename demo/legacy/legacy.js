// The support desk's code, as it was: jQuery, a global counter, a ready handler. It knows nothing
// about mfe-host: it talks to the rest of the shop with plain DOM events on `window`, which the
// shell's bus delivers both ways (`cart:add-item` in, `support:ticket` out).
var ACME_NEXT_TICKET = ACME_NEXT_TICKET || 1042;
$(function () {
  var $list = $('#ticket-list');
  var $cart = $('#desk-cart');
  var $session = $('#desk-session');

  $('#ticket-form').on('submit', function (e) {
    e.preventDefault();
    var subject = $('#ticket-subject').val().replace(/^\s+|\s+$/g, '');
    if (!subject) return;
    var id = '#' + ACME_NEXT_TICKET++;
    $('<li class="ticket ticket-new">')
      .append($('<span class="ticket-id">').text(id), ' ', document.createTextNode(subject), ' ', $('<span class="state">').text('open'))
      .prependTo($list);
    $('#ticket-subject').val('');
    // The bus is CustomEvents on window: the shell and the devtools see this one.
    window.dispatchEvent(new CustomEvent('support:ticket', { detail: { id: id, subject: subject } }));
  });

  // Bus events from the new MFEs, heard with plain DOM listeners. The page never unloads
  // (neither did the old one), so listen once per page, not once per mount.
  if (!window.ACME_DESK_LISTENING) {
    window.ACME_DESK_LISTENING = true;
    window.addEventListener('cart:add-item', function (e) {
      var n = parseInt($('#desk-cart').text(), 10) || 0;
      $('#desk-cart').text(n + ((e.detail && e.detail.quantity) || 1));
    });
    window.addEventListener('auth:logout', function () {
      $('#desk-session').text('· signed out, tickets are read-only').addClass('ended');
      $('#ticket-submit').prop('disabled', true);
    });
    window.addEventListener('auth:login', function () {
      $('#desk-session').text('· session active').removeClass('ended');
      $('#ticket-submit').prop('disabled', false);
    });
  }
  $cart.text('0');
  $session.text('· session active');
});
