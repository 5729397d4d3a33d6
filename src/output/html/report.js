// tryg reviewers' report: sorting and filtering of the proposals table, and
// the agenda's print button. The page reads fully without this script; it
// only hides and reorders rows that are already there. It never builds markup
// from data (no innerHTML): values are compared as text.
(function () {
  'use strict';
  var printButton = document.getElementById('print-agenda');
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener('click', function () { window.print(); });
  }

  var table = document.getElementById('proposal-table');
  var form = document.getElementById('filters');
  var status = document.getElementById('filter-status');
  var noMatch = document.getElementById('no-match');
  if (!table || !form || !status) { return; }

  var rows = Array.prototype.slice.call(table.tBodies);
  var order = new Map();
  rows.forEach(function (row, i) { order.set(row, i); });
  var total = rows.length;
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var collator = new Intl.Collator(document.documentElement.lang || 'en',
    { numeric: true, sensitivity: 'base' });
  var sorted = { col: -1, dir: 1 };
  var shown = total;

  // The words are the page's own, in its language, in data attributes of
  // the status line (%shown% and %column% are filled in here).
  var words = status.dataset;

  function say() {
    var text = words.showing.replace('%shown%', String(shown));
    if (sorted.col >= 0) {
      text += (sorted.dir > 0 ? words.ascending : words.descending)
        .replace('%column%', function () {
          return headers[sorted.col].textContent.trim();
        });
    }
    status.textContent = text + '.';
    if (noMatch) { noMatch.hidden = shown !== 0; }
  }

  function filter() {
    var f = form.elements;
    var level = f.level.value;
    var forum = f.forum.value;
    var route = f.route.value;
    var letter = f.letter.value;
    var overdue = f.overdue.checked;
    var change = f.change ? f.change.value : '';
    var id = f.id.value.trim().toLowerCase();
    shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = (level === '' || d.level === level) &&
        (forum === '' || d.forum === forum) &&
        (route === '' ||
          (route === 'any:' && d.route !== '') ||
          (route === 'none:' && d.route === '') ||
          route === 'route:' + d.route) &&
        (letter === '' ||
          (letter === 'any' && d.letter !== '') ||
          (letter === 'none' && d.letter === '') ||
          letter === d.letter) &&
        (!overdue || d.overdue === '1') &&
        (change === '' || d.change === change) &&
        (id === '' || d.id.toLowerCase().indexOf(id) !== -1);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    say();
  }

  // Empty keys sort last in either direction; ties keep the input order.
  function sortBy(col, dir, numeric) {
    var keyed = rows.map(function (row) {
      var cell = row.rows[0].cells[col];
      var raw = (cell.dataset.k !== undefined ? cell.dataset.k : cell.textContent).trim();
      var key = numeric ? (raw === '' ? NaN : Number(raw)) : raw;
      var empty = numeric ? isNaN(key) : key === '';
      return { row: row, key: key, empty: empty, i: order.get(row) };
    });
    keyed.sort(function (a, b) {
      if (a.empty !== b.empty) { return a.empty ? 1 : -1; }
      var c = 0;
      if (!a.empty) { c = numeric ? a.key - b.key : collator.compare(a.key, b.key); }
      return c !== 0 ? c * dir : a.i - b.i;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k.row); });
    table.appendChild(fragment);
    headers.forEach(function (th, i) {
      th.setAttribute('aria-sort', i === col ? (dir > 0 ? 'ascending' : 'descending') : 'none');
    });
    sorted = { col: col, dir: dir };
    say();
  }

  table.tHead.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-col]');
    if (!button) { return; }
    var col = Number(button.dataset.col);
    var dir = sorted.col === col ? -sorted.dir : 1;
    sortBy(col, dir, button.dataset.type === 'number');
  });

  form.addEventListener('input', filter);
  form.addEventListener('change', filter);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  // A reset changes the controls after the event; filter once they have changed.
  form.addEventListener('reset', function () { window.setTimeout(filter, 0); });
  form.hidden = false;
  filter();
}());
