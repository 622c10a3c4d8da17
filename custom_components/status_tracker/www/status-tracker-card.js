var z=globalThis,B=z.ShadowRoot&&(z.ShadyCSS===void 0||z.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,ae=Symbol(),fe=new WeakMap,M=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==ae)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(B&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=fe.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&fe.set(e,t))}return t}toString(){return this.cssText}},ve=r=>new M(typeof r=="string"?r:r+"",void 0,ae),A=(r,...t)=>{let e=r.length===1?r[0]:t.reduce((s,i,o)=>s+(a=>{if(a._$cssResult$===!0)return a.cssText;if(typeof a=="number")return a;throw Error("Value passed to 'css' function must be a 'css' function result: "+a+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+r[o+1],r[0]);return new M(e,r,ae)},be=(r,t)=>{if(B)r.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),i=z.litNonce;i!==void 0&&s.setAttribute("nonce",i),s.textContent=e.cssText,r.appendChild(s)}},ne=B?r=>r:r=>r instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return ve(e)})(r):r;var{is:Ge,defineProperty:Je,getOwnPropertyDescriptor:Qe,getOwnPropertyNames:Ye,getOwnPropertySymbols:Ze,getPrototypeOf:Xe}=Object,j=globalThis,$e=j.trustedTypes,et=$e?$e.emptyScript:"",tt=j.reactiveElementPolyfillSupport,P=(r,t)=>r,le={toAttribute(r,t){switch(t){case Boolean:r=r?et:null;break;case Object:case Array:r=r==null?r:JSON.stringify(r)}return r},fromAttribute(r,t){let e=r;switch(t){case Boolean:e=r!==null;break;case Number:e=r===null?null:Number(r);break;case Object:case Array:try{e=JSON.parse(r)}catch{e=null}}return e}},xe=(r,t)=>!Ge(r,t),ye={attribute:!0,type:String,converter:le,reflect:!1,useDefault:!1,hasChanged:xe};Symbol.metadata??=Symbol("metadata"),j.litPropertyMetadata??=new WeakMap;var b=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=ye){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),i=this.getPropertyDescriptor(t,s,e);i!==void 0&&Je(this.prototype,t,i)}}static getPropertyDescriptor(t,e,s){let{get:i,set:o}=Qe(this.prototype,t)??{get(){return this[e]},set(a){this[e]=a}};return{get:i,set(a){let p=i?.call(this);o?.call(this,a),this.requestUpdate(t,p,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??ye}static _$Ei(){if(this.hasOwnProperty(P("elementProperties")))return;let t=Xe(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(P("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(P("properties"))){let e=this.properties,s=[...Ye(e),...Ze(e)];for(let i of s)this.createProperty(i,e[i])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,i]of e)this.elementProperties.set(s,i)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let i=this._$Eu(e,s);i!==void 0&&this._$Eh.set(i,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let i of s)e.unshift(ne(i))}else t!==void 0&&e.push(ne(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return be(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),i=this.constructor._$Eu(t,s);if(i!==void 0&&s.reflect===!0){let o=(s.converter?.toAttribute!==void 0?s.converter:le).toAttribute(e,s.type);this._$Em=t,o==null?this.removeAttribute(i):this.setAttribute(i,o),this._$Em=null}}_$AK(t,e){let s=this.constructor,i=s._$Eh.get(t);if(i!==void 0&&this._$Em!==i){let o=s.getPropertyOptions(i),a=typeof o.converter=="function"?{fromAttribute:o.converter}:o.converter?.fromAttribute!==void 0?o.converter:le;this._$Em=i;let p=a.fromAttribute(e,o.type);this[i]=p??this._$Ej?.get(i)??p,this._$Em=null}}requestUpdate(t,e,s,i=!1,o){if(t!==void 0){let a=this.constructor;if(i===!1&&(o=this[t]),s??=a.getPropertyOptions(t),!((s.hasChanged??xe)(o,e)||s.useDefault&&s.reflect&&o===this._$Ej?.get(t)&&!this.hasAttribute(a._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:i,wrapped:o},a){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,a??e??this[t]),o!==!0||a!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),i===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,o]of this._$Ep)this[i]=o;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[i,o]of s){let{wrapped:a}=o,p=this[i];a!==!0||this._$AL.has(i)||p===void 0||this.C(i,void 0,o,p)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};b.elementStyles=[],b.shadowRootOptions={mode:"open"},b[P("elementProperties")]=new Map,b[P("finalized")]=new Map,tt?.({ReactiveElement:b}),(j.reactiveElementVersions??=[]).push("2.1.2");var ce=globalThis,we=r=>r,F=ce.trustedTypes,Ae=F?F.createPolicy("lit-html",{createHTML:r=>r}):void 0,pe="$lit$",$=`lit$${Math.random().toFixed(9).slice(2)}$`,he="?"+$,st=`<${he}>`,C=document,D=()=>C.createComment(""),L=r=>r===null||typeof r!="object"&&typeof r!="function",ue=Array.isArray,Te=r=>ue(r)||typeof r?.[Symbol.iterator]=="function",de=`[ 	
\f\r]`,H=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,Ee=/-->/g,Se=/>/g,E=RegExp(`>|${de}(?:([^\\s"'>=/]+)(${de}*=${de}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),Ce=/'/g,ke=/"/g,Re=/^(?:script|style|textarea|title)$/i,me=r=>(t,...e)=>({_$litType$:r,strings:t,values:e}),n=me(1),mt=me(2),_t=me(3),y=Symbol.for("lit-noChange"),d=Symbol.for("lit-nothing"),qe=new WeakMap,S=C.createTreeWalker(C,129);function Me(r,t){if(!ue(r)||!r.hasOwnProperty("raw"))throw Error("invalid template strings array");return Ae!==void 0?Ae.createHTML(t):t}var Pe=(r,t)=>{let e=r.length-1,s=[],i,o=t===2?"<svg>":t===3?"<math>":"",a=H;for(let p=0;p<e;p++){let l=r[p],h,_,c=-1,m=0;for(;m<l.length&&(a.lastIndex=m,_=a.exec(l),_!==null);)m=a.lastIndex,a===H?_[1]==="!--"?a=Ee:_[1]!==void 0?a=Se:_[2]!==void 0?(Re.test(_[2])&&(i=RegExp("</"+_[2],"g")),a=E):_[3]!==void 0&&(a=E):a===E?_[0]===">"?(a=i??H,c=-1):_[1]===void 0?c=-2:(c=a.lastIndex-_[2].length,h=_[1],a=_[3]===void 0?E:_[3]==='"'?ke:Ce):a===ke||a===Ce?a=E:a===Ee||a===Se?a=H:(a=E,i=void 0);let u=a===E&&r[p+1].startsWith("/>")?" ":"";o+=a===H?l+st:c>=0?(s.push(h),l.slice(0,c)+pe+l.slice(c)+$+u):l+$+(c===-2?p:u)}return[Me(r,o+(r[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},N=class r{constructor({strings:t,_$litType$:e},s){let i;this.parts=[];let o=0,a=0,p=t.length-1,l=this.parts,[h,_]=Pe(t,e);if(this.el=r.createElement(h,s),S.currentNode=this.el.content,e===2||e===3){let c=this.el.content.firstChild;c.replaceWith(...c.childNodes)}for(;(i=S.nextNode())!==null&&l.length<p;){if(i.nodeType===1){if(i.hasAttributes())for(let c of i.getAttributeNames())if(c.endsWith(pe)){let m=_[a++],u=i.getAttribute(c).split($),g=/([.?@])?(.*)/.exec(m);l.push({type:1,index:o,name:g[2],strings:u,ctor:g[1]==="."?K:g[1]==="?"?G:g[1]==="@"?J:q}),i.removeAttribute(c)}else c.startsWith($)&&(l.push({type:6,index:o}),i.removeAttribute(c));if(Re.test(i.tagName)){let c=i.textContent.split($),m=c.length-1;if(m>0){i.textContent=F?F.emptyScript:"";for(let u=0;u<m;u++)i.append(c[u],D()),S.nextNode(),l.push({type:2,index:++o});i.append(c[m],D())}}}else if(i.nodeType===8)if(i.data===he)l.push({type:2,index:o});else{let c=-1;for(;(c=i.data.indexOf($,c+1))!==-1;)l.push({type:7,index:o}),c+=$.length-1}o++}}static createElement(t,e){let s=C.createElement("template");return s.innerHTML=t,s}};function k(r,t,e=r,s){if(t===y)return t;let i=s!==void 0?e._$Co?.[s]:e._$Cl,o=L(t)?void 0:t._$litDirective$;return i?.constructor!==o&&(i?._$AO?.(!1),o===void 0?i=void 0:(i=new o(r),i._$AT(r,e,s)),s!==void 0?(e._$Co??=[])[s]=i:e._$Cl=i),i!==void 0&&(t=k(r,i._$AS(r,t.values),i,s)),t}var W=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,i=(t?.creationScope??C).importNode(e,!0);S.currentNode=i;let o=S.nextNode(),a=0,p=0,l=s[0];for(;l!==void 0;){if(a===l.index){let h;l.type===2?h=new T(o,o.nextSibling,this,t):l.type===1?h=new l.ctor(o,l.name,l.strings,this,t):l.type===6&&(h=new Q(o,this,t)),this._$AV.push(h),l=s[++p]}a!==l?.index&&(o=S.nextNode(),a++)}return S.currentNode=C,i}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},T=class r{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,i){this.type=2,this._$AH=d,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=k(this,t,e),L(t)?t===d||t==null||t===""?(this._$AH!==d&&this._$AR(),this._$AH=d):t!==this._$AH&&t!==y&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):Te(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==d&&L(this._$AH)?this._$AA.nextSibling.data=t:this.T(C.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,i=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=N.createElement(Me(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===i)this._$AH.p(e);else{let o=new W(i,this),a=o.u(this.options);o.p(e),this.T(a),this._$AH=o}}_$AC(t){let e=qe.get(t.strings);return e===void 0&&qe.set(t.strings,e=new N(t)),e}k(t){ue(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,i=0;for(let o of t)i===e.length?e.push(s=new r(this.O(D()),this.O(D()),this,this.options)):s=e[i],s._$AI(o),i++;i<e.length&&(this._$AR(s&&s._$AB.nextSibling,i),e.length=i)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=we(t).nextSibling;we(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},q=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,i,o){this.type=1,this._$AH=d,this._$AN=void 0,this.element=t,this.name=e,this._$AM=i,this.options=o,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=d}_$AI(t,e=this,s,i){let o=this.strings,a=!1;if(o===void 0)t=k(this,t,e,0),a=!L(t)||t!==this._$AH&&t!==y,a&&(this._$AH=t);else{let p=t,l,h;for(t=o[0],l=0;l<o.length-1;l++)h=k(this,p[s+l],e,l),h===y&&(h=this._$AH[l]),a||=!L(h)||h!==this._$AH[l],h===d?t=d:t!==d&&(t+=(h??"")+o[l+1]),this._$AH[l]=h}a&&!i&&this.j(t)}j(t){t===d?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},K=class extends q{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===d?void 0:t}},G=class extends q{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==d)}},J=class extends q{constructor(t,e,s,i,o){super(t,e,s,i,o),this.type=5}_$AI(t,e=this){if((t=k(this,t,e,0)??d)===y)return;let s=this._$AH,i=t===d&&s!==d||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,o=t!==d&&(s===d||i);i&&this.element.removeEventListener(this.name,this,s),o&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},Q=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){k(this,t)}},He={M:pe,P:$,A:he,C:1,L:Pe,R:W,D:Te,V:k,I:T,H:q,N:G,U:J,B:K,F:Q},it=ce.litHtmlPolyfillSupport;it?.(N,T),(ce.litHtmlVersions??=[]).push("3.3.3");var De=(r,t,e)=>{let s=e?.renderBefore??t,i=s._$litPart$;if(i===void 0){let o=e?.renderBefore??null;s._$litPart$=i=new T(t.insertBefore(D(),o),o,void 0,e??{})}return i._$AI(r),i};var _e=globalThis,f=class extends b{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=De(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return y}};f._$litElement$=!0,f.finalized=!0,_e.litElementHydrateSupport?.({LitElement:f});var rt=_e.litElementPolyfillSupport;rt?.({LitElement:f});(_e.litElementVersions??=[]).push("4.2.2");var Le={ATTRIBUTE:1,CHILD:2,PROPERTY:3,BOOLEAN_ATTRIBUTE:4,EVENT:5,ELEMENT:6},Ne=r=>(...t)=>({_$litDirective$:r,values:t}),Y=class{constructor(t){}get _$AU(){return this._$AM._$AU}_$AT(t,e,s){this._$Ct=t,this._$AM=e,this._$Ci=s}_$AS(t,e){return this.update(t,e)}update(t,e){return this.render(...e)}};var{I:ot}=He,Ue=r=>r;var Oe=()=>document.createComment(""),R=(r,t,e)=>{let s=r._$AA.parentNode,i=t===void 0?r._$AB:t._$AA;if(e===void 0){let o=s.insertBefore(Oe(),i),a=s.insertBefore(Oe(),i);e=new ot(o,a,r,r.options)}else{let o=e._$AB.nextSibling,a=e._$AM,p=a!==r;if(p){let l;e._$AQ?.(r),e._$AM=r,e._$AP!==void 0&&(l=r._$AU)!==a._$AU&&e._$AP(l)}if(o!==i||p){let l=e._$AA;for(;l!==o;){let h=Ue(l).nextSibling;Ue(s).insertBefore(l,i),l=h}}}return e},x=(r,t,e=r)=>(r._$AI(t,e),r),at={},Ie=(r,t=at)=>r._$AH=t,Ve=r=>r._$AH,Z=r=>{r._$AR(),r._$AA.remove()};var ze=(r,t,e)=>{let s=new Map;for(let i=t;i<=e;i++)s.set(r[i],i);return s},Be=Ne(class extends Y{constructor(r){if(super(r),r.type!==Le.CHILD)throw Error("repeat() can only be used in text expressions")}dt(r,t,e){let s;e===void 0?e=t:t!==void 0&&(s=t);let i=[],o=[],a=0;for(let p of r)i[a]=s?s(p,a):a,o[a]=e(p,a),a++;return{values:o,keys:i}}render(r,t,e){return this.dt(r,t,e).values}update(r,[t,e,s]){let i=Ve(r),{values:o,keys:a}=this.dt(t,e,s);if(!Array.isArray(i))return this.ut=a,o;let p=this.ut??=[],l=[],h,_,c=0,m=i.length-1,u=0,g=o.length-1;for(;c<=m&&u<=g;)if(i[c]===null)c++;else if(i[m]===null)m--;else if(p[c]===a[u])l[u]=x(i[c],o[u]),c++,u++;else if(p[m]===a[g])l[g]=x(i[m],o[g]),m--,g--;else if(p[c]===a[g])l[g]=x(i[c],o[g]),R(r,l[g+1],i[c]),c++,g--;else if(p[m]===a[u])l[u]=x(i[m],o[u]),R(r,i[c],i[m]),m--,u++;else if(h===void 0&&(h=ze(a,u,g),_=ze(p,c,m)),h.has(p[c]))if(h.has(p[m])){let v=_.get(a[u]),oe=v!==void 0?i[v]:null;if(oe===null){let ge=R(r,i[c]);x(ge,o[u]),l[u]=ge}else l[u]=x(oe,o[u]),R(r,i[c],oe),i[v]=null;u++}else Z(i[m]),m--;else Z(i[c]),c++;for(;u<=g;){let v=R(r,l[g+1]);x(v,o[u]),l[u++]=v}for(;c<=m;){let v=i[c++];v!==null&&Z(v)}return this.ut=a,Ie(r,l),y}});var je=["available","declined","failed","deleted"],nt={requested:"Requested",approved:"Approved",searching:"Searching",grabbed:"Grabbed",downloading:"Downloading",downloaded:"Downloaded",importing:"Importing",matching:"Matching",available:"Available",declined:"Declined",failed:"Failed",deleted:"Deleted",unaired:"Not aired",added_to_arr:"Added to the *arr",imported:"Imported",seerr_available:"Available in Seerr",download_error:"Download error",import_blocked:"Import blocked",matched:"Matched",not_matched:"Not matched",file_deleted:"File deleted",in_library:"In the library"},lt={stalled:"Stalled",download_error:"Download error",needs_link:"Needs link",import_blocked:"Import blocked"};function w(r){return nt[r]??r.replace(/_/g," ")}function X(r){return lt[r]??r.replace(/_/g," ")}function U(r){if(r==null||Number.isNaN(r))return"";let t=Math.max(0,Math.min(100,r));return`${t>=10||Number.isInteger(t)?Math.round(t):t.toFixed(1)}%`}function Fe(r){if(!r||r<=0)return"";let t=["B/s","kB/s","MB/s","GB/s"],e=r,s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s+=1;return`${e>=100||s===0?Math.round(e):e.toFixed(1)} ${t[s]}`}function We(r){if(r==null||r<0||r>=864e4)return"";if(r<60)return`${Math.round(r)}s`;let t=Math.floor(r/60);if(t<60)return`${t}m`;let e=Math.floor(t/60);return e<24?`${e}h ${t%60}m`:`${Math.floor(e/24)}d ${e%24}h`}function ee(r){if(!r||r.length===0)return"";let t=[...r].sort((s,i)=>s-i),e=t.every((s,i)=>i===0||s===t[i-1]+1);return t.length>2&&e?`Seasons ${t[0]}\u2013${t[t.length-1]}`:t.length===1?`Season ${t[0]}`:`Seasons ${t.join(", ")}`}function Ke(r,t){if(!r)return"";let e=new Date(r);return Number.isNaN(e.getTime())?r:e.toLocaleString(t||void 0,{dateStyle:"medium",timeStyle:"short"})}function te(r,t){return`S${String(r).padStart(2,"0")}E${String(t).padStart(2,"0")}`}var O=class extends f{constructor(){super();this.renderCount=0;this.compact=!1}shouldUpdate(e){return this.request!==void 0&&super.shouldUpdate(e)}render(){this.renderCount+=1;let e=this.request,s=Object.entries(e.problems??{}),i=U(e.progress),o=Fe(e.speed),a=We(e.eta),p=e.media_type==="tv"?ee(e.seasons):"";return n`
      <div
        class="row ${s.length?"has-problem":""}"
        role="button"
        tabindex="0"
        data-request-id=${e.request_id}
        @click=${this._open}
        @keydown=${this._key}
      >
        ${this.compact?d:n`<div class="poster">
              ${e.poster_url?n`<img src=${e.poster_url} alt="" loading="lazy" @error=${this._posterFailed} />`:n`<div class="poster-placeholder">${e.media_type==="tv"?"TV":"\u{1F3AC}"}</div>`}
            </div>`}
        <div class="body">
          <div class="heading">
            <span class="title">${e.title??"Unknown title"}</span>
            ${e.year?n`<span class="year">(${e.year})</span>`:d}
          </div>
          <div class="meta">
            <span class="chip stage stage-${e.state}" data-stage=${e.state}>${w(e.state)}</span>
            ${p?n`<span class="seasons">${p}</span>`:d}
            ${e.requested_by?n`<span class="requester">${e.requested_by}</span>`:d}
          </div>
          ${e.progress!==null&&e.progress!==void 0&&!e.finished?n`<div class="progress">
                <div
                  class="bar"
                  role="progressbar"
                  aria-valuemin="0"
                  aria-valuemax="100"
                  aria-valuenow=${Math.round(e.progress)}
                >
                  <div class="fill" style="width: ${Math.max(0,Math.min(100,e.progress))}%"></div>
                </div>
                <span class="percent">${i}</span>
                ${o?n`<span class="speed">${o}</span>`:d}
                ${a?n`<span class="eta">ETA ${a}</span>`:d}
              </div>`:d}
          ${e.media_type==="tv"&&!this.compact?this._episodes(e):d}
          ${s.length?n`<div class="problems">
                ${s.map(([l,h])=>n`<span class="chip problem problem-${l}" data-kind=${l} title=${h.reason}
                      >⚠ ${X(l)}: <span class="reason">${h.reason}</span></span
                    >`)}
              </div>`:d}
        </div>
      </div>
    `}_episodes(e){let s=e.episodes??[];return!s.length&&!e.episodes_summary?d:n`<div class="episodes">
      ${s.length?n`<div class="strip">
            ${s.map(i=>n`<span
                  class="ep ep-${i.stage}"
                  data-stage=${i.stage}
                  title="${te(i.season,i.episode)}${i.title?` \xB7 ${i.title}`:""} · ${w(i.stage)}"
                ></span>`)}
          </div>`:d}
      ${e.episodes_summary?n`<span class="summary">${e.episodes_summary}</span>`:d}
    </div>`}_posterFailed(e){e.target.style.visibility="hidden"}_open(){this.dispatchEvent(new CustomEvent("request-selected",{detail:{request_id:this.request.request_id},bubbles:!0,composed:!0}))}_key(e){(e.key==="Enter"||e.key===" ")&&(e.preventDefault(),this._open())}};O.properties={request:{attribute:!1},compact:{type:Boolean,reflect:!0}},O.styles=A`
    :host {
      display: block;
    }
    .row {
      display: flex;
      gap: 12px;
      padding: 8px 0;
      cursor: pointer;
      border-bottom: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
      min-width: 0;
    }
    :host(:last-of-type) .row {
      border-bottom: none;
    }
    .row:focus-visible {
      outline: 2px solid var(--primary-color);
      outline-offset: 2px;
    }
    .poster {
      flex: 0 0 48px;
      width: 48px;
      height: 72px;
      border-radius: 4px;
      overflow: hidden;
      background: var(--secondary-background-color, #e5e5e5);
    }
    .poster img {
      width: 100%;
      height: 100%;
      object-fit: cover;
      display: block;
    }
    .poster-placeholder {
      display: flex;
      align-items: center;
      justify-content: center;
      height: 100%;
      color: var(--secondary-text-color);
      font-size: 14px;
    }
    .body {
      flex: 1 1 auto;
      min-width: 0;
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .heading {
      display: flex;
      gap: 6px;
      align-items: baseline;
      min-width: 0;
    }
    .title {
      font-weight: 500;
      color: var(--primary-text-color);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .year,
    .seasons,
    .requester,
    .summary,
    .speed,
    .eta,
    .percent {
      color: var(--secondary-text-color);
      font-size: 12px;
      white-space: nowrap;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      align-items: center;
    }
    .chip {
      display: inline-block;
      border-radius: 10px;
      padding: 1px 8px;
      font-size: 12px;
      line-height: 18px;
      color: var(--text-primary-color, #fff);
      background: var(--primary-color);
      max-width: 100%;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .stage-requested,
    .stage-approved,
    .stage-searching {
      background: var(--state-inactive-color, var(--disabled-text-color, #8a8a8a));
    }
    .stage-grabbed,
    .stage-downloading {
      background: var(--info-color, var(--primary-color));
    }
    .stage-downloaded,
    .stage-importing,
    .stage-matching {
      background: var(--accent-color, var(--primary-color));
    }
    .stage-available {
      background: var(--success-color, #43a047);
    }
    .stage-declined,
    .stage-failed,
    .stage-deleted {
      background: var(--error-color, #db4437);
    }
    .progress {
      display: flex;
      align-items: center;
      gap: 8px;
      min-width: 0;
    }
    .bar {
      flex: 1 1 auto;
      height: 6px;
      border-radius: 3px;
      background: var(--divider-color, rgba(0, 0, 0, 0.12));
      overflow: hidden;
      min-width: 40px;
    }
    .fill {
      height: 100%;
      background: var(--primary-color);
      transition: width 0.3s ease;
    }
    .episodes {
      display: flex;
      align-items: center;
      gap: 8px;
      min-width: 0;
    }
    .strip {
      display: flex;
      flex-wrap: wrap;
      gap: 2px;
      min-width: 0;
    }
    .ep {
      width: 8px;
      height: 8px;
      border-radius: 2px;
      background: var(--divider-color, #ccc);
    }
    .ep-downloading,
    .ep-grabbed {
      background: var(--info-color, var(--primary-color));
    }
    .ep-downloaded,
    .ep-importing,
    .ep-matching {
      background: var(--accent-color, var(--primary-color));
    }
    .ep-available {
      background: var(--success-color, #43a047);
    }
    .ep-failed {
      background: var(--error-color, #db4437);
    }
    .ep-unaired {
      background: transparent;
      border: 1px dashed var(--secondary-text-color);
      box-sizing: border-box;
    }
    .problems {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .problem {
      background: var(--warning-color, #ffa600);
      white-space: normal;
    }
    .problem-download_error {
      background: var(--error-color, #db4437);
    }
    :host([compact]) .row {
      padding: 4px 0;
    }
  `;customElements.get("status-tracker-row")||customElements.define("status-tracker-row",O);var I=class extends f{setConfig(t){this._config={...t}}render(){if(!this._config)return n``;let t=this._config;return n`
      <div class="editor">
        <label>
          <span>Title</span>
          <input
            name="title"
            type="text"
            .value=${t.title??""}
            @change=${e=>this._set("title",e.target.value||void 0)}
          />
        </label>
        <label>
          <span>Maximum requests shown</span>
          <input
            name="max_items"
            type="number"
            min="1"
            max="500"
            .value=${t.max_items!==void 0?String(t.max_items):""}
            @change=${e=>{let s=parseInt(e.target.value,10);this._set("max_items",Number.isFinite(s)&&s>0?s:void 0)}}
          />
        </label>
        <label class="check">
          <input
            name="show_history"
            type="checkbox"
            .checked=${t.show_history!==!1}
            @change=${e=>this._set("show_history",e.target.checked)}
          />
          <span>Show the history tab</span>
        </label>
        <label class="check">
          <input
            name="compact"
            type="checkbox"
            .checked=${t.compact===!0}
            @change=${e=>this._set("compact",e.target.checked)}
          />
          <span>Compact (no posters or episode strips)</span>
        </label>
      </div>
    `}_set(t,e){if(!this._config)return;let s={...this._config};e===void 0?delete s[t]:s[t]=e,this._config=s,this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:this._config},bubbles:!0,composed:!0}))}};I.properties={hass:{attribute:!1},_config:{state:!0}},I.styles=A`
    .editor {
      display: flex;
      flex-direction: column;
      gap: 12px;
      color: var(--primary-text-color);
    }
    label {
      display: flex;
      flex-direction: column;
      gap: 4px;
      font-size: 14px;
    }
    label.check {
      flex-direction: row;
      align-items: center;
      gap: 8px;
    }
    input[type="text"],
    input[type="number"] {
      padding: 8px;
      border-radius: 4px;
      border: 1px solid var(--divider-color, #ccc);
      background: var(--card-background-color, #fff);
      color: var(--primary-text-color);
      font-size: 14px;
    }
  `;customElements.get("status-tracker-card-editor")||customElements.define("status-tracker-card-editor",I);var dt="0.1.0",se="status_tracker";function ie(r){return r&&typeof r=="object"&&"message"in r?String(r.message):String(r)}var V=class extends f{constructor(){super();this._byId=new Map;this._requests=[],this._loading=!0,this._error=null,this._isAdmin=!1,this._tab="active",this._history=null,this._historyError=null,this._outcome="",this._requester="",this._requesters=[],this._selected=null,this._detail=null,this._detailError=null,this._confirmDelete=!1,this._deleteFiles=!1,this._action=null}static getConfigElement(){return document.createElement("status-tracker-card-editor")}static getStubConfig(){return{title:"Media requests",show_history:!0,max_items:10,compact:!1}}setConfig(e){if(!e)throw new Error("Invalid configuration");if(e.max_items!==void 0&&(typeof e.max_items!="number"||e.max_items<1))throw new Error("max_items must be a positive number");let s=this._config?.config_entry_id!==e.config_entry_id;this._config={show_history:!0,compact:!1,...e},s&&this._subscribedTo&&this._subscribe()}getCardSize(){return 1+Math.min(this._requests.length,this._config?.max_items??10)*2}getGridOptions(){return{columns:12,min_columns:6,rows:"auto"}}set hass(e){this._hass=e;let s=!!e?.user?.is_admin;s!==this._isAdmin&&(this._isAdmin=s),this.isConnected&&e?.connection!==this._subscribedTo&&this._subscribe()}get hass(){return this._hass}connectedCallback(){super.connectedCallback(),this._hass&&this._subscribedTo!==this._hass.connection&&this._subscribe()}disconnectedCallback(){super.disconnectedCallback(),this._unsubscribeNow()}_entryArgs(){return this._config?.config_entry_id?{config_entry_id:this._config.config_entry_id}:{}}_subscribe(){let e=this._hass;if(!e?.connection)return;this._unsubscribeNow(),this._subscribedTo=e.connection,this._loading=!0,this._error=null;let s=e.connection.subscribeMessage(i=>this._onEvent(i),{type:`${se}/requests/subscribe`,...this._entryArgs()});this._unsubscribe=s,s.catch(i=>{this._unsubscribe===s&&(this._unsubscribe=void 0,this._loading=!1,this._error=ie(i))})}_unsubscribeNow(){let e=this._unsubscribe;this._unsubscribe=void 0,this._subscribedTo=void 0,e&&e.then(s=>s()).catch(()=>{})}_onEvent(e){let s=!1;e.requests&&(this._byId=new Map(e.requests.map(i=>[i.request_id,i])),s=!0,this._loading=!1,this._error=null);for(let i of e.changed??[])this._byId.has(i.request_id)||(s=!0),this._byId.set(i.request_id,i);for(let i of e.removed??[])this._byId.delete(i)&&(s=!0);s?this._requests=[...this._byId.values()].sort((i,o)=>(o.created_at??"").localeCompare(i.created_at??"")||o.request_id.localeCompare(i.request_id)):this._requests=this._requests.map(i=>this._byId.get(i.request_id)??i),this._selected&&e.changed?.some(i=>i.request_id===this._selected)&&this._loadDetail(this._selected,!1)}async _loadHistory(){let e=this._hass;if(!e)return;this._historyError=null;let s={type:`${se}/requests/list`,status:"finished",limit:this._config.max_items??50,...this._entryArgs()};this._outcome&&(s.stages=[this._outcome]),this._requester&&(s.requested_by=this._requester);try{let i=await e.callWS(s);this._history=i.requests;let o=new Set(this._requesters);for(let a of[...i.requests,...this._requests])a.requested_by&&o.add(a.requested_by);this._requesters=[...o].sort((a,p)=>a.localeCompare(p))}catch(i){this._history=null,this._historyError=ie(i)}}_showTab(e){this._tab=e,e==="history"&&this._loadHistory()}_onSelected(e){this._open(e.detail.request_id)}async _open(e){this._selected=e,this._detail=null,this._detailError=null,this._confirmDelete=!1,this._deleteFiles=!1,this._action=null,this.updateComplete.then(()=>this.shadowRoot?.querySelector(".dialog")?.focus()),await this._loadDetail(e,!0)}async _loadDetail(e,s){let i=this._hass;if(i)try{let o=await i.callWS({type:`${se}/requests/get`,request_id:e,...this._entryArgs()});this._selected===e&&(this._detail=o)}catch(o){s&&this._selected===e&&(this._detailError=ie(o))}}_close(){this._selected=null,this._detail=null,this._detailError=null,this._confirmDelete=!1,this._action=null}async _callAction(e,s,i){let o=this._hass;if(!(!o||!this._selected)){this._action={kind:e,busy:!0};try{let p=(await o.callWS({type:"call_service",domain:se,service:s,service_data:{request_id:this._selected,...i},return_response:!0}))?.response?.requests??[];this._action={kind:e,busy:!1,results:p,message:e==="delete"?p.some(l=>l.partial)?"Deleted, but some services failed":"Deleted":e==="retry"?"Retry sent":"Verification done"},this._confirmDelete=!1,this._selected&&await this._loadDetail(this._selected,!1)}catch(a){this._action={kind:e,busy:!1,error:ie(a)}}}}render(){if(!this._config)return d;let e=this._config.show_history!==!1;return n`
      <ha-card class=${this._config.compact?"compact":""}>
        <div class="header">
          <div class="card-title">${this._config.title??"Media requests"}</div>
          ${e?n`<div class="tabs" role="tablist">
                <button
                  class="tab ${this._tab==="active"?"selected":""}"
                  data-tab="active"
                  role="tab"
                  aria-selected=${this._tab==="active"}
                  @click=${()=>this._showTab("active")}
                >
                  Active
                </button>
                <button
                  class="tab ${this._tab==="history"?"selected":""}"
                  data-tab="history"
                  role="tab"
                  aria-selected=${this._tab==="history"}
                  @click=${()=>this._showTab("history")}
                >
                  History
                </button>
              </div>`:d}
        </div>
        <div class="content" @request-selected=${this._onSelected}>
          ${this._tab==="history"&&e?this._renderHistory():this._renderActive()}
        </div>
        ${this._selected?this._renderDialog():d}
      </ha-card>
    `}_renderList(e){let s=this._config.max_items,i=s?e.slice(0,s):e;return n`<div class="list">
        ${Be(i,o=>o.request_id,o=>n`<status-tracker-row .request=${o} ?compact=${this._config.compact}></status-tracker-row>`)}
      </div>
      ${i.length<e.length?n`<div class="more">+${e.length-i.length} more</div>`:d}`}_renderActive(){return this._error?n`<div class="error state" role="alert">
        <div>Could not load requests: <span class="message">${this._error}</span></div>
        <button class="button" @click=${()=>this._subscribe()}>Try again</button>
      </div>`:this._loading?n`<div class="loading state">Loading…</div>`:this._requests.length?this._renderList(this._requests):n`<div class="empty state">No active requests</div>`}_renderHistory(){return n`
      <div class="filters">
        <label>
          <span>Outcome</span>
          <select
            name="outcome"
            @change=${e=>{this._outcome=e.target.value,this._loadHistory()}}
          >
            <option value="" ?selected=${!this._outcome}>All</option>
            ${je.map(e=>n`<option value=${e} ?selected=${this._outcome===e}>${w(e)}</option>`)}
          </select>
        </label>
        <label>
          <span>Requested by</span>
          <select
            name="requester"
            @change=${e=>{this._requester=e.target.value,this._loadHistory()}}
          >
            <option value="" ?selected=${!this._requester}>Anyone</option>
            ${this._requesters.map(e=>n`<option value=${e} ?selected=${this._requester===e}>${e}</option>`)}
          </select>
        </label>
      </div>
      ${this._historyError?n`<div class="error state" role="alert">
            Could not load the history: <span class="message">${this._historyError}</span>
          </div>`:this._history===null?n`<div class="loading state">Loading…</div>`:this._history.length===0?n`<div class="empty state">No finished requests</div>`:this._renderList(this._history)}
    `}_renderDialog(){let e=this._detail,s=e??this._byId.get(this._selected??"")??this._history?.find(i=>i.request_id===this._selected);return n`
      <div class="backdrop" @click=${this._close}></div>
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        tabindex="-1"
        aria-label=${s?.title??"Request"}
        @keydown=${i=>{i.key==="Escape"&&this._close()}}
      >
        <div class="dialog-header">
          <div class="dialog-title">
            ${s?.title??"Request"} ${s?.year?n`<span class="year">(${s.year})</span>`:d}
          </div>
          <button class="icon close" aria-label="Close" @click=${this._close}>✕</button>
        </div>
        <div class="dialog-body">
          ${this._detailError?n`<div class="error state" role="alert">
                Could not load the request: <span class="message">${this._detailError}</span>
              </div>`:d}
          ${s?n`<div class="summary-line">
                <span class="chip stage stage-${s.state}">${w(s.state)}</span>
                ${s.media_type==="tv"&&s.seasons?.length?n`<span class="muted">${ee(s.seasons)}</span>`:d}
                ${s.requested_by?n`<span class="muted">Requested by ${s.requested_by}</span>`:d}
                ${s.progress!==null&&s.progress!==void 0&&!s.finished?n`<span class="muted">${U(s.progress)}</span>`:d}
              </div>
              ${Object.entries(s.problems??{}).map(([i,o])=>n`<div class="chip problem" data-kind=${i}>⚠ ${X(i)}: ${o.reason}</div>`)}`:d}
          ${e?.jellyfin_url?n`<a class="button watch" href=${e.jellyfin_url} target="_blank" rel="noreferrer"
                >Watch in Jellyfin</a
              >`:d}
          ${e?this._renderEpisodes(e):this._detailError?d:n`<div class="loading state">Loading…</div>`}
          ${e?this._renderTimeline(e):d}
          ${this._isAdmin?this._renderAdmin(s):d}
        </div>
      </div>
    `}_renderEpisodes(e){return e.episodes?.length?n`<h3>Episodes</h3>
      <ul class="episode-list">
        ${e.episodes.map(s=>n`<li class="episode" data-stage=${s.stage}>
            <span class="code">${te(s.season,s.episode)}</span>
            <span class="ep-title">${s.title??""}</span>
            <span class="chip stage stage-${s.stage}">${w(s.stage)}</span>
            ${s.progress!==null&&s.progress!==void 0&&s.stage!=="available"?n`<span class="muted">${U(s.progress)}</span>`:d}
          </li>`)}
      </ul>`:d}_renderTimeline(e){let s=this._hass?.locale?.language??this._hass?.language;return n`<h3>Timeline</h3>
      ${e.timeline?.length?n`<ol class="timeline">
            ${[...e.timeline].reverse().map(i=>n`<li class="timeline-entry" data-kind=${i.kind}>
                <span class="when">${Ke(i.at,s)}</span>
                <span class="what">${w(i.kind)}</span>
                ${i.source?n`<span class="muted source">${i.source}</span>`:d}
                ${i.detail?n`<span class="muted detail">${i.detail}</span>`:d}
              </li>`)}
          </ol>`:n`<div class="muted">Nothing yet</div>`}`}_renderAdmin(e){let s=this._action,i=!!s?.busy,o=e?.state==="deleted";return n`<div class="admin">
      <div class="actions">
        <button class="button retry" ?disabled=${i||o} @click=${()=>this._callAction("retry","retry_request",{})}>
          Retry
        </button>
        <button class="button verify" ?disabled=${i||o} @click=${()=>this._callAction("verify","verify_request",{})}>
          Verify
        </button>
        <button
          class="button danger delete"
          ?disabled=${i||o}
          @click=${()=>{this._confirmDelete=!0,this._action=null}}
        >
          Delete…
        </button>
      </div>
      ${this._confirmDelete?n`<div class="confirm" role="alertdialog">
            <div>Delete <b>${e?.title??"this request"}</b> from every service?</div>
            <label class="check">
              <input
                type="checkbox"
                name="delete_files"
                .checked=${this._deleteFiles}
                @change=${a=>this._deleteFiles=a.target.checked}
              />
              <span>Also delete the files</span>
            </label>
            <div class="actions">
              <button class="button" @click=${()=>this._confirmDelete=!1}>Cancel</button>
              <button
                class="button danger confirm-delete"
                ?disabled=${i}
                @click=${()=>this._callAction("delete","delete_request",{delete_files:this._deleteFiles})}
              >
                Delete
              </button>
            </div>
          </div>`:d}
      ${s?this._renderActionResult(s):d}
    </div>`}_renderActionResult(e){if(e.busy)return n`<div class="action-result muted">Working…</div>`;if(e.error)return n`<div class="action-result error" role="alert">${e.error}</div>`;let s=(e.results??[]).flatMap(i=>i.results??[]);return n`<div class="action-result" data-kind=${e.kind}>
      <div class="message">${e.message}</div>
      ${s.length?n`<table class="results">
            <tbody>
              ${s.map(i=>n`<tr class="result outcome-${i.outcome}" data-service=${i.service}>
                  <td class="service">${i.instance??i.service}</td>
                  <td class="outcome">${i.outcome.replace(/_/g," ")}</td>
                  <td class="detail">${i.detail??""}</td>
                </tr>`)}
            </tbody>
          </table>`:d}
    </div>`}};V.properties={_config:{state:!0},_requests:{state:!0},_loading:{state:!0},_error:{state:!0},_isAdmin:{state:!0},_tab:{state:!0},_history:{state:!0},_historyError:{state:!0},_outcome:{state:!0},_requester:{state:!0},_requesters:{state:!0},_selected:{state:!0},_detail:{state:!0},_detailError:{state:!0},_confirmDelete:{state:!0},_deleteFiles:{state:!0},_action:{state:!0}},V.styles=A`
    :host {
      display: block;
    }
    ha-card {
      display: block;
      position: relative;
      background: var(--ha-card-background, var(--card-background-color, #fff));
      color: var(--primary-text-color);
      border-radius: var(--ha-card-border-radius, 12px);
      padding: 16px;
      box-sizing: border-box;
    }
    .header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      flex-wrap: wrap;
      margin-bottom: 8px;
    }
    .card-title {
      font-size: var(--ha-card-header-font-size, 20px);
      font-weight: 500;
      color: var(--ha-card-header-color, var(--primary-text-color));
    }
    .tabs {
      display: flex;
      gap: 4px;
    }
    button {
      font: inherit;
    }
    .tab {
      border: none;
      background: none;
      color: var(--secondary-text-color);
      padding: 4px 10px;
      border-radius: 14px;
      cursor: pointer;
    }
    .tab.selected {
      background: var(--primary-color);
      color: var(--text-primary-color, #fff);
    }
    .state {
      padding: 16px 0;
      text-align: center;
      color: var(--secondary-text-color);
    }
    .error {
      color: var(--error-color, #db4437);
    }
    .more {
      text-align: center;
      color: var(--secondary-text-color);
      font-size: 12px;
      padding-top: 4px;
    }
    .filters {
      display: flex;
      gap: 12px;
      flex-wrap: wrap;
      margin-bottom: 8px;
    }
    .filters label {
      display: flex;
      flex-direction: column;
      font-size: 12px;
      color: var(--secondary-text-color);
      gap: 2px;
      flex: 1 1 120px;
    }
    select {
      font: inherit;
      padding: 6px;
      border-radius: 4px;
      border: 1px solid var(--divider-color, #ccc);
      background: var(--card-background-color, #fff);
      color: var(--primary-text-color);
    }
    .button {
      display: inline-block;
      border: 1px solid var(--primary-color);
      color: var(--primary-color);
      background: transparent;
      border-radius: 18px;
      padding: 6px 14px;
      cursor: pointer;
      text-decoration: none;
      font-size: 14px;
    }
    .button[disabled] {
      opacity: 0.5;
      cursor: default;
    }
    .button.danger {
      border-color: var(--error-color, #db4437);
      color: var(--error-color, #db4437);
    }
    .button.watch {
      background: var(--primary-color);
      color: var(--text-primary-color, #fff);
      margin: 8px 0;
    }
    .backdrop {
      position: fixed;
      inset: 0;
      background: rgba(0, 0, 0, 0.45);
      z-index: 10;
    }
    .dialog:focus {
      outline: none;
    }
    .dialog {
      position: fixed;
      z-index: 11;
      left: 50%;
      top: 50%;
      transform: translate(-50%, -50%);
      width: min(560px, calc(100vw - 24px));
      max-height: calc(100vh - 48px);
      display: flex;
      flex-direction: column;
      background: var(--ha-dialog-surface-background, var(--card-background-color, #fff));
      color: var(--primary-text-color);
      border-radius: var(--ha-dialog-border-radius, 16px);
      box-shadow: 0 8px 32px rgba(0, 0, 0, 0.4);
      box-sizing: border-box;
    }
    .dialog-header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      padding: 16px 16px 8px;
      gap: 8px;
    }
    .dialog-title {
      font-size: 20px;
      font-weight: 500;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .dialog-body {
      overflow: auto;
      padding: 0 16px 16px;
    }
    .icon {
      border: none;
      background: none;
      color: var(--secondary-text-color);
      cursor: pointer;
      font-size: 18px;
    }
    h3 {
      font-size: 14px;
      font-weight: 500;
      margin: 16px 0 6px;
      color: var(--secondary-text-color);
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .summary-line {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      margin-bottom: 6px;
    }
    .muted,
    .year {
      color: var(--secondary-text-color);
      font-size: 13px;
    }
    .chip {
      display: inline-block;
      border-radius: 10px;
      padding: 1px 8px;
      font-size: 12px;
      line-height: 18px;
      color: var(--text-primary-color, #fff);
      background: var(--primary-color);
    }
    .chip.problem {
      background: var(--warning-color, #ffa600);
      margin: 2px 0;
    }
    .stage-available {
      background: var(--success-color, #43a047);
    }
    .stage-declined,
    .stage-failed,
    .stage-deleted {
      background: var(--error-color, #db4437);
    }
    .stage-unaired,
    .stage-requested,
    .stage-approved,
    .stage-searching {
      background: var(--state-inactive-color, var(--disabled-text-color, #8a8a8a));
    }
    ul.episode-list,
    ol.timeline {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .episode,
    .timeline-entry {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      padding: 4px 0;
      border-bottom: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
      font-size: 14px;
    }
    .code {
      font-variant-numeric: tabular-nums;
      color: var(--secondary-text-color);
    }
    .ep-title {
      flex: 1 1 auto;
      min-width: 0;
    }
    .timeline-entry .detail {
      overflow-wrap: anywhere;
      min-width: 0;
    }
    .when {
      color: var(--secondary-text-color);
      font-size: 12px;
      min-width: 120px;
    }
    .admin {
      margin-top: 16px;
      border-top: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
      padding-top: 12px;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .confirm {
      margin-top: 12px;
      padding: 12px;
      border-radius: 8px;
      border: 1px solid var(--error-color, #db4437);
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    label.check {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .action-result {
      margin-top: 12px;
    }
    table.results {
      width: 100%;
      border-collapse: collapse;
      font-size: 13px;
      margin-top: 6px;
    }
    table.results td {
      padding: 4px 6px;
      border-bottom: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
      overflow-wrap: anywhere;
    }
    .outcome-failed .outcome,
    .outcome-error .outcome {
      color: var(--error-color, #db4437);
    }
    @media (max-width: 450px) {
      ha-card {
        padding: 12px;
      }
      .dialog {
        width: 100vw;
        max-height: 100vh;
        height: 100%;
        border-radius: 0;
      }
    }
  `;customElements.get("status-tracker-card")||customElements.define("status-tracker-card",V);var re=window;re.customCards=re.customCards||[];re.customCards.some(r=>r.type==="status-tracker-card")||re.customCards.push({type:"status-tracker-card",name:"Status Tracker",description:"Media requests from Seerr to Jellyfin: stages, downloads, problems and history.",preview:!0,documentationURL:"https://github.com/status-tracker/ha-status-tracker"});console.info(`%c STATUS-TRACKER-CARD %c ${dt} `,"color: white; background: #03a9f4; font-weight: 700;","");export{V as StatusTrackerCard};
