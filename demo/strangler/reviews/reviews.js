// The reviews widget's code, as it was: jQuery, the ACME_REVIEWS global, a ready handler.
$(function () {
  var $list = $('#review-list');
  function stars(n) {
    return '★★★★★'.slice(0, n) + '☆☆☆☆☆'.slice(0, 5 - n);
  }
  function render() {
    var sum = 0;
    $list.empty();
    $.each(ACME_REVIEWS, function (i, r) {
      sum += r.stars;
      $('<li>')
        .append($('<span class="stars">').text(stars(r.stars)), ' ', $('<q>').text(r.text), ' – ', $('<cite>').text(r.who))
        .appendTo($list);
    });
    var avg = sum / ACME_REVIEWS.length;
    $('#avg-stars').text(stars(Math.round(avg)));
    $('#avg-text').text(avg.toFixed(1) + ' out of 5 (' + ACME_REVIEWS.length + ' reviews)');
  }
  $('#review-form').on('submit', function (e) {
    e.preventDefault();
    var text = $('#review-text').val().replace(/^\s+|\s+$/g, '');
    if (!text) return;
    ACME_REVIEWS.push({ stars: parseInt($('#review-stars').val(), 10), text: text, who: 'you' });
    $('#review-text').val('');
    render();
  });
  render();
});
