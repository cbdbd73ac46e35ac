/* 添加文件 on the chat page (ui.app UPLOAD_HTML): the files chosen are sent in one request to
   POST /api/v1/documents with the admin token typed in (kept in this tab's sessionStorage, as
   the admin page keeps it), and each file's result is shown in Chinese: 已添加 (then its
   indexing job is followed until 已可检索), 已有相同内容, or 未添加 with the reason.
   Gradio renders the panel after this script runs, so one delegated listener does the work;
   every value goes through textContent. */
(function () {
  var API = '/api/v1/documents';
  var KEY = 'pqa-admin-token';
  var POLL_MS = 1500;
  var POLL_LIMIT = 800;  // about 20 minutes

  var REASONS = [
    [/^file too large|^request body too large/, '文件超过大小上限'],
    [/\.(doc|wps|et|dps|rtf|xls|ppt) files cannot be read|Word 97-2003 or WPS/, '旧版 Word/WPS 格式无法读取，请另存为 .docx 或 .pdf 后再上传'],
    [/^unsupported file type/, '不支持的文件类型，仅支持 .txt、.docx、.pdf'],
    [/^file is empty/, '文件为空'],
    [/cannot tell which place/, '无法从文件中判断所属地区，请通过接口或命令行单独上传并注明城市'],
    [/not readable text|looks binary/, '文件内容无法识别为文字'],
    [/not a valid PDF|PDF .*(encrypted|password)/, '不是可读取的 PDF 文件'],
    [/not a valid \.docx/, '不是可读取的 .docx 文件'],
    [/unpacks to/, '.docx 文件解压后过大'],
    [/no text layer|scanned/, 'PDF 没有文字层（扫描件），无法读取'],
    [/paragraphs, more than the limit/, '段落数超过单个文件的上限'],
    [/no text paragraphs/, '文件中没有正文段落'],
    [/already used by another document/, '文件编号与已有文件冲突'],
    [/cannot be added right now/, '政策库暂时无法添加文件，请联系管理员']
  ];

  function chinese(reason) {
    for (var i = 0; i < REASONS.length; i++) {
      if (REASONS[i][0].test(reason)) return REASONS[i][1];
    }
    return '无法读取（' + reason + '）';
  }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function status(text, kind) {
    var box = $('pqa-up-status');
    if (!box) return;
    box.textContent = text;
    box.className = 'pqa-up-status' + (kind ? ' pqa-up-' + kind : '');
  }
  function row(name, state, text) {
    var item = el('li', 'pqa-up-item pqa-up-' + state);
    item.appendChild(el('span', 'pqa-up-name', name));
    item.appendChild(el('span', 'pqa-up-result', text));
    $('pqa-up-report').appendChild(item);
    return item;
  }

  function follow(item, jobUrl, token) {
    var result = item.querySelector('.pqa-up-result');
    var tries = 0;
    function poll() {
      fetch(jobUrl, {headers: {'Authorization': 'Bearer ' + token}}).then(function (resp) {
        return resp.ok ? resp.json() : null;
      }).then(function (job) {
        if (job && job.status === 'done') {
          result.textContent = '已添加，已可检索（' + job.chunks + '段）';
          item.className = 'pqa-up-item pqa-up-done';
          return;
        }
        if (job && job.status === 'failed') {
          result.textContent = '已保存，但建立索引失败，请联系管理员';
          item.className = 'pqa-up-item pqa-up-refused';
          return;
        }
        if (job && job.status === 'running' && job.to_embed) {
          result.textContent = '已添加，正在建立索引（' + job.embedded + '/' + job.to_embed + '），已可按关键词检索';
        }
        if (++tries < POLL_LIMIT) setTimeout(poll, POLL_MS);
      }).catch(function () { if (++tries < POLL_LIMIT) setTimeout(poll, POLL_MS); });
    }
    setTimeout(poll, POLL_MS);
  }

  function show(entries, token) {
    var counts = {added: 0, duplicate: 0, refused: 0};
    entries.forEach(function (f) {
      counts[f.status] += 1;
      if (f.status === 'added') {
        var title = f.title ? '《' + f.title + '》' : '';
        var item = row(f.filename, 'added', '已添加' + title + '（' + f.chunks + '段），正在建立索引');
        if (f.job_url) follow(item, f.job_url, token);
      } else if (f.status === 'duplicate') {
        row(f.filename, 'duplicate', '政策库中已有相同内容' + (f.title ? '《' + f.title + '》' : '') + '，未重复添加');
      } else {
        row(f.filename, 'refused', '未添加：' + chinese(f.reason || ''));
      }
    });
    status('共 ' + entries.length + ' 个文件：添加 ' + counts.added + ' 个，重复 ' + counts.duplicate +
           ' 个，未添加 ' + counts.refused + ' 个。', counts.refused === entries.length ? 'error' : 'ok');
  }

  function send() {
    var input = $('pqa-up-files');
    var token = ($('pqa-up-token').value || '').trim();
    var files = input && input.files ? Array.prototype.slice.call(input.files) : [];
    $('pqa-up-report').textContent = '';
    if (!token) { status('请先输入管理员令牌。', 'error'); return; }
    if (!files.length) { status('请选择要添加的文件（.txt、.docx、.pdf，可多选）。', 'error'); return; }
    sessionStorage.setItem(KEY, token);
    var form = new FormData();
    files.forEach(function (f) { form.append('file', f, f.name); });
    $('pqa-up-send').disabled = true;
    status('正在上传并读取 ' + files.length + ' 个文件，请稍候……', '');
    fetch(API, {method: 'POST', headers: {'Authorization': 'Bearer ' + token}, body: form})
      .then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (body) {
          $('pqa-up-send').disabled = false;
          if (resp.status === 401 || resp.status === 403) {
            status('令牌不正确，或服务器未开启文件上传（POLICYQA_ADMIN_TOKEN）。', 'error');
          } else if (resp.ok && body.files) {
            show(body.files, token);
          } else if (resp.ok) {  // one file: the single-file answer
            show([{filename: files[0].name, status: body.duplicate ? 'duplicate' : 'added', chunks: body.chunks,
                   job_url: body.job_url}], token);
          } else if (resp.status === 422 && Array.isArray(body.detail) && files.length > 1 &&
                     body.detail.every(function (d) { return d.loc && d.loc[1] === 'file'; })) {
            show(body.detail.map(function (d, i) {
              var name = files[i] ? files[i].name : '';
              var msg = String(d.msg || '');
              var cut = msg.indexOf(': ');
              return {filename: name, status: 'refused', reason: cut >= 0 ? msg.slice(cut + 2) : msg};
            }), token);
          } else if (resp.status === 422 || resp.status === 413) {
            var reason = String(body.message || '').replace(/^file: /, '');
            if (files.length === 1) show([{filename: files[0].name, status: 'refused', reason: reason}], token);
            else status('未能添加：' + (/at most \d+ files/.test(reason) ? '一次选择的文件过多' : chinese(reason)) + '。', 'error');
          } else if (resp.status === 503) {
            status('政策库正在加载或暂时无法添加文件，请稍后再试。', 'error');
          } else {
            status('上传失败（HTTP ' + resp.status + '）。', 'error');
          }
        });
      })
      .catch(function () {
        $('pqa-up-send').disabled = false;
        status('上传失败：无法连接服务器。', 'error');
      });
  }

  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest ? ev.target.closest('#pqa-up-send') : null;
    if (!btn) return;
    var token = $('pqa-up-token');
    if (token && !token.value) token.value = sessionStorage.getItem(KEY) || '';
    send();
  });
  document.addEventListener('focusin', function (ev) {  // the token typed earlier in this tab
    if (ev.target && ev.target.id === 'pqa-up-token' && !ev.target.value) {
      ev.target.value = sessionStorage.getItem(KEY) || '';
    }
  });
})();
