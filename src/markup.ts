/** Text made safe to place in XML/HTML text or a quoted attribute (SVG charts, HTML reports). */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
