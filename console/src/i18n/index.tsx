// The person's language: Vietnamese by default, switchable, remembered on this browser (a
// preference, not a secret, so localStorage is the right place for it).
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { Lang } from "../format";
import { messages, type MessageKey } from "./messages";

const KEY = "erp.lang";
export const LANGS: Lang[] = ["vi", "zh", "en"];
export const LANG_NAMES: Record<Lang, string> = { vi: "Tiếng Việt", zh: "中文", en: "English" };

function remembered(): Lang {
  const v = localStorage.getItem(KEY);
  return v === "zh" || v === "en" || v === "vi" ? v : "vi";
}

type I18n = { lang: Lang; setLang: (l: Lang) => void; t: (k: MessageKey) => string };
const Context = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(remembered);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(KEY, l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (k: MessageKey) => messages[lang][k] ?? messages.vi[k] ?? k }),
    [lang, setLang],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Context);
  if (!v) throw new Error("useI18n outside I18nProvider");
  return v;
}
