/* Admin page (/ui-admin): reads GET /api/v1/admin/feedback with the admin token typed in (kept
   in this tab's sessionStorage) and renders it. Every value goes through textContent. */
(function () {
  var API = '/api/v1/admin/feedback';
  var KEY = 'pqa-admin-token';
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function when(ts) {
    var d = new Date(ts * 1000), p = function (n) { return (n < 10 ? '0' : '') + n; };
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  function percent(x) { return (Math.round(x * 1000) / 10) + '%'; }
  function status(text, error) {
    var box = $('adm-status');
    box.textContent = text;
    box.className = 'adm-status' + (error ? ' adm-error' : '');
  }
  function failure(resp) {
    if (resp.status === 401 || resp.status === 403) return '令牌不正确，或服务器未设置 POLICYQA_ADMIN_TOKEN（' + resp.status + '）。';
    if (resp.status === 503) return '反馈数据库暂时不可用，请稍后重试。';
    return '读取失败（HTTP ' + resp.status + '）。';
  }
  function headers() { return {'Authorization': 'Bearer ' + (sessionStorage.getItem(KEY) || '')}; }

  function stat(value, label) {
    var box = el('div', 'adm-stat');
    box.appendChild(el('b', '', value));
    box.appendChild(el('span', '', label));
    return box;
  }

  function item(f) {
    var box = el('article', 'adm-item' + (f.verdict === 'useful' ? ' adm-useful' : ''));
    box.appendChild(el('div', 'adm-meta', '反馈时间 ' + when(f.created_at) + ' · 提问时间 ' + when(f.asked_at) +
      ' · 来源 ' + f.source + ' · 检索方式 ' + f.mode + ' · 回答类型 ' + f.kind +
      ' · 索引 ' + (f.index_version || '—') + ' · answer_id ' + f.answer_id));
    var q = el('div');
    q.appendChild(el('span', 'adm-label', '问题'));
    q.appendChild(el('span', 'adm-question', f.question));
    box.appendChild(q);
    if (f.history.length) {
      var h = el('div');
      h.appendChild(el('span', 'adm-label', '此前的提问'));
      h.appendChild(el('span', '', f.history.join(' → ')));
      box.appendChild(h);
    }
    if (f.resolved_query && f.resolved_query !== f.question) {
      var r = el('div');
      r.appendChild(el('span', 'adm-label', '理解为'));
      r.appendChild(el('span', '', f.resolved_query));
      box.appendChild(r);
    }
    box.appendChild(el('div', 'adm-label', '回答'));
    box.appendChild(el('div', 'adm-answer', f.answer));
    if (f.citations.length) {
      box.appendChild(el('div', 'adm-label', '引用'));
      var list = el('ol', 'adm-cites');
      f.citations.forEach(function (c) {
        var li = el('li', c.chunk_id === f.chunk_id ? 'adm-chosen' : '');
        li.value = c.n;
        li.appendChild(el('span', '', c.citation));
        li.appendChild(el('div', 'adm-cite', c.highlight));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    if (f.verdict === 'wrong') {
      box.appendChild(el('div', 'adm-label', '更正或说明'));
      box.appendChild(el('div', 'adm-correction', f.correction || '（未填写）'));
      if (f.chunk_id) {
        var chosen = f.citations.filter(function (c) { return c.chunk_id === f.chunk_id; })[0];
        box.appendChild(el('div', 'adm-meta', '正确条款所在段落：' + (chosen ? chosen.citation : f.chunk_id)));
      }
    } else if (f.correction) {
      box.appendChild(el('div', 'adm-label', '说明'));
      box.appendChild(el('div', 'adm-correction', f.correction));
    }
    return box;
  }

  function days(q) {
    var box = $('adm-days');
    box.replaceChildren();
    if (!q.logging) {
      box.appendChild(el('p', 'adm-note', '提问记录未开启：只保存随“有用/有误”反馈提交的提问。' +
        '设置 POLICYQA_LOG_QUESTIONS=true 后记录每个提问（用于每日提问数和“未找到”比例）。'));
    }
    if (!q.by_day.length) {
      box.appendChild(el('p', 'adm-note', '暂无提问记录。'));
      return;
    }
    var most = Math.max.apply(null, q.by_day.map(function (d) { return d.questions; }));
    var table = el('table', 'adm-days');
    var head = el('tr');
    ['日期', '提问数', '回答“未找到”', '比例', ''].forEach(function (t) { head.appendChild(el('th', '', t)); });
    table.appendChild(head);
    q.by_day.slice().reverse().forEach(function (d) {
      var tr = el('tr');
      tr.appendChild(el('td', '', d.day));
      tr.appendChild(el('td', '', d.questions));
      tr.appendChild(el('td', '', d.not_found));
      tr.appendChild(el('td', '', percent(d.questions ? d.not_found / d.questions : 0)));
      var bar = el('span', 'adm-bar');
      bar.style.width = Math.max(2, Math.round(160 * d.questions / most)) + 'px';
      var cell = el('td');
      cell.appendChild(bar);
      tr.appendChild(cell);
      table.appendChild(tr);
    });
    box.appendChild(table);
  }

  function render(data) {
    var q = data.questions;
    var summary = $('adm-summary');
    summary.replaceChildren(
      stat(data.counts.wrong, '标为“有误”的回答'),
      stat(data.counts.useful, '标为“有用”的回答'),
      stat(q.total, '记录的提问'),
      stat(q.not_found_share === null ? '—' : percent(q.not_found_share),
           '回答“未找到”的比例（' + q.not_found + '/' + q.total + '）'));
    var wrong = data.feedback.filter(function (f) { return f.verdict === 'wrong'; });
    var useful = data.feedback.filter(function (f) { return f.verdict === 'useful'; });
    $('adm-wrong').replaceChildren.apply($('adm-wrong'), wrong.length ? wrong.map(item) : [el('p', 'adm-note', '暂无。')]);
    $('adm-useful').replaceChildren.apply($('adm-useful'), useful.length ? useful.map(item) : [el('p', 'adm-note', '暂无。')]);
    days(q);
    $('adm-main').hidden = false;
  }

  function load() {
    if (!sessionStorage.getItem(KEY)) return;
    status('正在读取…');
    fetch(API, {headers: headers(), cache: 'no-store'}).then(function (resp) {
      if (!resp.ok) { $('adm-main').hidden = true; status(failure(resp), true); return; }
      return resp.json().then(function (data) {
        render(data);
        status('已读取 ' + data.feedback.length + ' 条反馈（' + when(Date.now() / 1000) + '）。');
      });
    }).catch(function () { status('网络错误，无法读取。', true); });
  }

  $('adm-login').addEventListener('submit', function (ev) {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $('adm-token').value.trim());
    $('adm-token').value = '';
    load();
  });

  $('adm-csv').addEventListener('click', function () {
    var button = $('adm-csv');
    button.disabled = true;
    fetch(API + '?format=csv', {headers: headers(), cache: 'no-store'}).then(function (resp) {
      if (!resp.ok) { status(failure(resp), true); return; }
      return resp.blob().then(function (blob) {
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'feedback.csv';
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      });
    }).catch(function () { status('网络错误，无法导出。', true); })
      .then(function () { button.disabled = false; });
  });

  load();
})();
