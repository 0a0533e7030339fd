import type { Metadata, Viewport } from "next";
import { env } from "@/lib/env";
import { SITE_DESCRIPTION, SITE_LANG, SITE_NAME } from "@/lib/site";
import { ScriptCookie } from "./script-cookie";
import "./globals.css";

export function generateMetadata(): Metadata {
  return {
    metadataBase: new URL(env().SITE_URL + "/"),
    title: { default: SITE_NAME, template: `%s | ${SITE_NAME}` },
    description: SITE_DESCRIPTION,
    alternates: {
      types: {
        "application/rss+xml": [
          { url: "/feed.xml", title: `${SITE_NAME} RSS` },
          { url: "/feed/comments.xml", title: `${SITE_NAME} comments RSS` },
        ],
      },
    },
  };
}

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fbfaf7" },
    { media: "(prefers-color-scheme: dark)", color: "#16171a" },
  ],
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang={SITE_LANG}>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
        <ScriptCookie />
        <footer className="site-footer">
          <div className="container">
            <p>
              {SITE_NAME} · {SITE_DESCRIPTION}
            </p>
            <p>
              <a href="/my-data">Download or erase what you posted</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
