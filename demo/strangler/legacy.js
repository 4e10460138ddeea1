// The old site's script (jQuery, 2009). It still drives what is not migrated yet, and it hears the
// new MFEs: the mfe-host bus delivers its events as plain CustomEvents on window.
$(function () {
  var count = 0;
  function add() {
    count += 1;
    $('#cart-count').text(count);
  }
  window.addEventListener('cart:add', add); // emitted by the deals MFE (ctx.bus.emit)
  $('#deals-box').on('click', '.buy', add); // the old deals markup's buttons
  $('#newsletter').on('submit', function (e) {
    e.preventDefault();
    var mail = $('#email').val().replace(/^\s+|\s+$/g, '');
    $('#newsletter-msg').text(mail ? 'Thanks! The next issue goes to ' + mail + '.' : 'Please enter your e-mail address.');
  });
});
