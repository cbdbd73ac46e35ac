/* 有用 / 有误 under every answer of the chat page (ui.render.render_feedback), posted to
   POST /api/v1/feedback. The chat sanitizer drops inline handlers and data-* attributes, so
   one delegated listener does the work and the answer id is read from a hidden span. What was
   sent is remembered per answer id and shown again if the chat re-renders a message. */
(function () {
  var sent = {};  // answer_id -> the confirmation shown

  function barOf(el) { return el && el.closest ? el.closest('.pqa-feedback') : null; }
  function answerId(bar) {
    var el = bar.querySelector('.pqa-fb-aid');
    return el ? el.textContent.trim() : '';
  }
  function setStatus(bar, text, kind) {
    var el = bar.querySelector('.pqa-fb-status');
    if (!el) return;
    el.textContent = text;
    el.className = 'pqa-fb-status' + (kind ? ' pqa-fb-' + kind : '');
  }
  function showDone(bar, text) {
    bar.classList.add('pqa-fb-done');
    var form = bar.querySelector('.pqa-fb-form');
    if (form) form.remove();
    setStatus(bar, text, 'ok');
  }
  function setBusy(bar, busy) {
    bar.querySelectorAll('button').forEach(function (b) { b.disabled = busy; });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function openForm(bar) {
    if (bar.querySelector('.pqa-fb-form')) return;
    var form = el('div', 'pqa-fb-form');
    form.appendChild(el('div', 'pqa-fb-prompt', '请填写正确的条款原文（可从“查看原文”中复制），或说明哪里有误：'));
    var text = el('textarea', 'pqa-fb-text');
    text.maxLength = 2000;
    text.rows = 3;
    text.placeholder = '例如：城镇清洁取暖率达到70%以上';
    form.appendChild(text);
    var select = el('select', 'pqa-fb-src');
    select.appendChild(new Option('正确条款所在的来源（可不选）', ''));
    bar.querySelectorAll('.pqa-fb-source').forEach(function (src) {
      var id = src.querySelector('.pqa-fb-chunk'), name = src.querySelector('.pqa-fb-name');
      if (id && name) select.appendChild(new Option(name.textContent, id.textContent.trim()));
    });
    if (select.options.length > 1) form.appendChild(select);
    var actions = el('div', 'pqa-fb-actions');
    actions.appendChild(el('button', 'pqa-fb-send', '提交'));
    actions.appendChild(el('button', 'pqa-fb-cancel', '取消'));
    actions.querySelectorAll('button').forEach(function (b) { b.type = 'button'; });
    form.appendChild(actions);
    bar.appendChild(form);
    text.focus();
  }

  function send(bar, body) {
    var id = answerId(bar);
    if (!id) return;
    body.answer_id = id;
    setBusy(bar, true);
    setStatus(bar, '正在提交…', '');
    fetch('/api/v1/feedback', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (json) {
        setBusy(bar, false);
        if (resp.ok) {
          sent[id] = body.verdict === 'useful' ? '已记录：有用。谢谢反馈！' : '已记录：有误。谢谢，我们会核对更正。';
          showDone(bar, sent[id]);
        } else if (resp.status === 404) {
          setStatus(bar, '该回答已过期，无法记录反馈，请重新提问后再反馈。', 'error');
        } else if (resp.status === 422) {
          setStatus(bar, '反馈内容不符合要求（' + (json.message || '格式有误') + '）。', 'error');
        } else {
          setStatus(bar, '反馈暂时无法保存，请稍后重试。', 'error');
        }
      });
    }).catch(function () {
      setBusy(bar, false);
      setStatus(bar, '网络错误，反馈未能发送，请稍后重试。', 'error');
    });
  }

  document.addEventListener('click', function (ev) {
    var target = ev.target;
    var bar = barOf(target);
    if (!bar || !target.closest('button')) return;
    if (target.closest('.pqa-fb-useful')) {
      send(bar, {verdict: 'useful'});
    } else if (target.closest('.pqa-fb-wrong')) {
      openForm(bar);
    } else if (target.closest('.pqa-fb-send')) {
      var text = bar.querySelector('.pqa-fb-text');
      var src = bar.querySelector('.pqa-fb-src');
      var body = {verdict: 'wrong'};
      if (text && text.value.trim()) body.correction = text.value.trim();
      if (src && src.value) body.chunk_id = src.value;
      send(bar, body);
    } else if (target.closest('.pqa-fb-cancel')) {
      var form = bar.querySelector('.pqa-fb-form');
      if (form) form.remove();
      setStatus(bar, '', '');
    }
  });

  // A message re-rendered by the chat loses what the script added: show the confirmation again.
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      document.querySelectorAll('.pqa-feedback:not(.pqa-fb-done)').forEach(function (bar) {
        var id = answerId(bar);
        if (sent[id]) showDone(bar, sent[id]);
      });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
