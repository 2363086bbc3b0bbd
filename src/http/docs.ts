/** A self-contained docs page that renders /openapi.json (no external assets). */
export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Agent Inbox Records API</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}.op{margin:.6rem 0;border:1px solid #e3e3e3;border-radius:6px}
.op summary{cursor:pointer;padding:.4rem .6rem}.m{display:inline-block;width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0a7}.post{color:#06c}.patch{color:#a60}.delete{color:#c22}pre{background:#f6f6f6;padding:.6rem;overflow:auto;font-size:13px}
.b{padding:0 .8rem .6rem}code{background:#f3f3f3;padding:0 .2rem}</style></head>
<body><h1>Agent Inbox Records API</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
Send <code>Authorization: Bearer &lt;token&gt;</code>. Errors are <code>application/problem+json</code>.</p><div id="ops">Loading…</div>
<script>
const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
fetch('/openapi.json').then(r=>r.json()).then(doc=>{const byTag={};
for(const [path,item] of Object.entries(doc.paths)){for(const [m,op] of Object.entries(item)){const t=(op.tags||['Other'])[0];(byTag[t]??=[]).push({path,m,op});}}
let h='';for(const [tag,ops] of Object.entries(byTag)){h+='<h2>'+esc(tag)+'</h2>';for(const {path,m,op} of ops){
const req=op.requestBody?JSON.stringify(op.requestBody.content['application/json']?.schema,null,2):'';
const params=(op.parameters||[]).map(p=>'<li><code>'+esc(p.name)+'</code> ('+p.in+(p.required?', required':'')+') '+esc(p.description||'')+'</li>').join('');
const res=Object.entries(op.responses||{}).map(([s,r])=>'<li><b>'+s+'</b> '+esc(r.description||'')+'</li>').join('');
h+='<details class="op"><summary><span class="m '+m+'">'+m+'</span><code>'+esc(path)+'</code> — '+esc(op.summary||'')+'</summary><div class="b">'+
(op.description?'<p>'+esc(op.description)+'</p>':'')+(params?'<p>Parameters</p><ul>'+params+'</ul>':'')+(req?'<p>Body</p><pre>'+esc(req)+'</pre>':'')+'<p>Responses</p><ul>'+res+'</ul></div></details>';}}
h+='<h2>Schemas</h2><pre>'+esc(JSON.stringify(doc.components?.schemas||{},null,2))+'</pre>';document.getElementById('ops').innerHTML=h;});
</script></body></html>`;
}
