import {
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Icon, type IconName } from './Icon.tsx';
import { format, type Format } from './markdown-format.ts';
import './markdown-editor.css';

type Renderer = (body: string) => string;
let renderer: Promise<Renderer> | undefined;
/** markdown-it arrives with the first preview (its own chunk), never with the page. */
function loadRenderer(): Promise<Renderer> {
  renderer ??= import('../lib/markdown.ts').then((m) => m.renderPreview);
  return renderer;
}

const TOOLS: { kind: Format; icon: IconName }[] = [
  { kind: 'bold', icon: 'bold' },
  { kind: 'italic', icon: 'italic' },
  { kind: 'quote', icon: 'quote' },
  { kind: 'link', icon: 'link' },
  { kind: 'list', icon: 'list' },
];

export interface MarkdownEditorProps {
  /** The textarea's id; the tabs and panels derive theirs from it. */
  id: string;
  label: string;
  /** The label is read to screen readers only (the composer's). */
  labelHidden?: boolean;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  rows?: number;
  maxLength?: number;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  autoFocus?: boolean;
  /** Ctrl/⌘ + Enter in the text box. */
  onSubmitShortcut?: () => void;
  /** Beside the text (the composer's send button). */
  aside?: ReactNode;
  className?: string;
}

/**
 * A Markdown text box with tabs 编辑 / 预览 and a small toolbar (bold, italic, quote, link, list)
 * that edits the selection. The preview renders exactly as the server will (lib/markdown.ts).
 */
export function MarkdownEditor(props: MarkdownEditorProps) {
  const { t } = useTranslation();
  const { id, value, onChange } = props;
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [html, setHtml] = useState<string | null>(null);
  const [height, setHeight] = useState<number | undefined>();
  const own = useRef<HTMLTextAreaElement>(null);
  const area = props.inputRef ?? own;
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const tools = useRef<(HTMLButtonElement | null)[]>([]);
  const [activeTool, setActiveTool] = useState(0);
  const pendingSelection = useRef<[number, number] | null>(null);
  // Emptied from outside (a reply was sent): back to writing, not an empty preview.
  const [lastValue, setLastValue] = useState(value);
  if (value !== lastValue) {
    setLastValue(value);
    if (!value && tab === 'preview') setTab('write');
  }

  useEffect(() => {
    if (tab !== 'preview') return;
    let live = true;
    void loadRenderer().then((render) => {
      if (live) setHtml(render(value));
    });
    return () => {
      live = false;
    };
  }, [tab, value]);

  // After a toolbar edit that went through onChange (no execCommand), put the selection back.
  useEffect(() => {
    const sel = pendingSelection.current;
    const el = area.current;
    if (!sel || !el) return;
    pendingSelection.current = null;
    el.focus();
    el.setSelectionRange(sel[0], sel[1]);
  }, [value, area]);

  const show = (next: 'write' | 'preview') => {
    if (next === tab) return;
    if (next === 'preview') {
      // The preview takes the text box's height, so switching does not make the page jump.
      setHeight(area.current?.offsetHeight);
      setHtml(null);
    }
    setTab(next);
  };

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const next = e.key === 'ArrowLeft' || e.key === 'Home' ? 'write' : 'preview';
    show(next);
    tabs.current[next === 'write' ? 0 : 1]?.focus();
  };

  const onToolKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const last = TOOLS.length - 1;
    const to =
      e.key === 'ArrowRight'
        ? i === last
          ? 0
          : i + 1
        : e.key === 'ArrowLeft'
          ? i === 0
            ? last
            : i - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : -1;
    if (to < 0) return;
    e.preventDefault();
    setActiveTool(to);
    tools.current[to]?.focus();
  };

  const apply = (kind: Format) => {
    const el = area.current;
    if (!el) return;
    const edit = format(
      kind,
      { value, start: el.selectionStart, end: el.selectionEnd },
      {
        bold: t('thread.editor.boldSample'),
        italic: t('thread.editor.italicSample'),
        quote: t('thread.editor.quoteSample'),
        link: t('thread.editor.linkSample'),
        list: t('thread.editor.listSample'),
      },
    );
    el.focus();
    el.setSelectionRange(edit.from, edit.to);
    // insertText keeps the browser's undo history and fires `input` (so onChange runs).
    const done = edit.text !== '' && document.execCommand('insertText', false, edit.text);
    if (done) {
      el.setSelectionRange(edit.selectStart, edit.selectEnd);
    } else {
      pendingSelection.current = [edit.selectStart, edit.selectEnd];
      onChange(value.slice(0, edit.from) + edit.text + value.slice(edit.to));
    }
  };

  // Ctrl/⌘ + B, I, K format as the toolbar does; Ctrl/⌘ + Enter submits (when the form wants).
  const onTextKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    const kind = ({ b: 'bold', i: 'italic', k: 'link' } as const)[e.key.toLowerCase()];
    if (kind) {
      e.preventDefault();
      apply(kind);
    } else if (e.key === 'Enter' && props.onSubmitShortcut) {
      e.preventDefault();
      props.onSubmitShortcut();
    }
  };

  const tabId = (which: string) => `${id}-tab-${which}`;
  const panelId = (which: string) => `${id}-panel-${which}`;

  return (
    <div className={`md-editor${props.className ? ` ${props.className}` : ''}`}>
      <label className={props.labelHidden ? 'visually-hidden' : 'md-label'} htmlFor={id}>
        {props.label}
      </label>
      <div className="md-bar">
        <div className="md-tabs" role="tablist" aria-label={t('thread.editor.mode')}>
          {(['write', 'preview'] as const).map((which, i) => (
            <button
              key={which}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={tabId(which)}
              aria-selected={tab === which}
              aria-controls={panelId(which)}
              tabIndex={tab === which ? 0 : -1}
              className="md-tab"
              onClick={() => show(which)}
              onKeyDown={onTabKey}
              onPointerDown={which === 'preview' ? () => void loadRenderer() : undefined}
              onFocus={which === 'preview' ? () => void loadRenderer() : undefined}
            >
              {t(`thread.editor.${which}`)}
            </button>
          ))}
        </div>
        {tab === 'write' && (
          <div
            className="md-tools"
            role="toolbar"
            aria-label={t('thread.editor.toolbar')}
            aria-controls={id}
          >
            {TOOLS.map((tool, i) => (
              <button
                key={tool.kind}
                ref={(el) => {
                  tools.current[i] = el;
                }}
                type="button"
                className="md-tool"
                tabIndex={i === activeTool ? 0 : -1}
                aria-label={t(`thread.editor.${tool.kind}`)}
                title={t(`thread.editor.${tool.kind}`)}
                // Keep the text box's focus (and, on phones, its keyboard) while tapping.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setActiveTool(i);
                  apply(tool.kind);
                }}
                onKeyDown={(e) => onToolKey(e, i)}
              >
                <Icon name={tool.icon} size={18} />
              </button>
            ))}
          </div>
        )}
      </div>
      <div className="md-body">
        <div
          role="tabpanel"
          id={panelId('write')}
          aria-labelledby={tabId('write')}
          hidden={tab !== 'write'}
          className="md-panel"
        >
          <textarea
            id={id}
            ref={area}
            rows={props.rows ?? 4}
            value={value}
            maxLength={props.maxLength ?? 20_000}
            placeholder={props.placeholder}
            autoFocus={props.autoFocus}
            onKeyDown={onTextKey}
            onChange={(e) => onChange(e.target.value)}
          />
        </div>
        <div
          role="tabpanel"
          id={panelId('preview')}
          aria-labelledby={tabId('preview')}
          hidden={tab !== 'preview'}
          className="md-panel md-preview"
          style={height ? { minHeight: height } : undefined}
          // The panel itself takes focus so the keyboard can scroll a long preview.
          tabIndex={tab === 'preview' ? 0 : -1}
        >
          {tab !== 'preview' ? null : !value.trim() ? (
            <p className="muted md-preview-empty">{t('thread.editor.previewEmpty')}</p>
          ) : html === null ? (
            <p className="muted md-preview-empty" aria-busy="true">
              {t('thread.editor.previewLoading')}
            </p>
          ) : (
            // Rendered by markdown-it with raw HTML off and filtered through the server's
            // allowlist (lib/markdown.ts), exactly as the server renders bodyHtml.
            <div className="prose" dangerouslySetInnerHTML={{ __html: html }} />
          )}
        </div>
        {props.aside}
      </div>
    </div>
  );
}
