// Docket dashboard: live overview. No inline script (the CSP forbids it); every value goes in with textContent.
(function () {
  'use strict';
  var section = document.getElementById('overview');
  if (!section) {
    return;
  }
  var refreshMs = parseInt(section.getAttribute('data-refresh-ms'), 10) || 2000;
  var range = section.getAttribute('data-range') === 'day' ? 'day' : 'hour';
  var chart = null;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) {
      el.textContent = value;
    }
  }

  function alerts(data) {
    var list = document.getElementById('alerts');
    if (!list) {
      return;
    }
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    function add(cls, msg) {
      var li = document.createElement('li');
      li.className = cls;
      li.textContent = msg;
      list.appendChild(li);
    }
    if (data.alerts.length === 0 && data.warnings.length === 0) {
      add('ok', 'No alert: nothing needs a human now.');
    }
    data.alerts.forEach(function (a) { add('alert', a); });
    data.warnings.forEach(function (w) { add('warning', w); });
  }

  function draw(t) {
    var el = document.getElementById('chart');
    if (!el || !t || typeof uPlot === 'undefined') {
      return;
    }
    var xs = [];
    for (var i = 0; i < t.completed.length; i++) {
      xs.push((t.firstMinute + i) * 60);
    }
    var series = [xs, t.completed, t.failed];
    if (chart) {
      chart.setData(series);
      return;
    }
    chart = new uPlot({
      width: Math.max(el.clientWidth, 320),
      height: 240,
      series: [{}, {label: 'completed', stroke: '#2e7d32', width: 2}, {label: 'failed', stroke: '#c62828', width: 2}],
      axes: [{}, {label: 'jobs / minute'}]
    }, series, el);
  }

  function apply(data) {
    Object.keys(data.counts).forEach(function (status) {
      var el = document.querySelector('[data-count="' + status + '"]');
      if (el) {
        el.textContent = String(data.counts[status]);
      }
    });
    text('error-rate', data.errorRate);
    text('completed-60m', String(data.completed60m));
    text('failed-60m', String(data.failed60m));
    text('oldest-pending', data.oldestPending);
    text('last-refresh', data.now);
    alerts(data);
    draw(data.throughput);
  }

  function refresh() {
    fetch('/api/overview?range=' + range, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      })
      .then(function (data) {
        apply(data);
        text('live', 'live');
        section.setAttribute('data-refreshes', String((parseInt(section.getAttribute('data-refreshes'), 10) || 0) + 1));
      })
      .catch(function (e) {
        text('live', 'refresh failed (' + e.message + '): retrying');
      })
      .then(function () {
        setTimeout(refresh, refreshMs);
      });
  }

  refresh();
})();
