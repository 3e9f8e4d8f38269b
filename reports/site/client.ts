/**
 * The published pages' only script (transpiled and inlined with its CSP hash): the PNG download
 * of each chart. It rasterises the chart's inline SVG on a canvas (through a data: image, which
 * the CSP's img-src allows) and saves canvas.toDataURL as a file. It fetches nothing.
 */
function downloadPng(button: HTMLButtonElement): void {
  const svg = document.getElementById(button.dataset.chart ?? '');
  if (!svg) return;
  const text = new XMLSerializer().serializeToString(svg);
  const image = new Image();
  image.onload = () => {
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = image.width * scale;
    canvas.height = image.height * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0);
    const link = document.createElement('a');
    link.href = canvas.toDataURL('image/png');
    link.download = `${button.dataset.chart}.png`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    button.dataset.done = 'png';
  };
  image.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`;
}

document.querySelectorAll<HTMLButtonElement>('button[data-chart]').forEach((b) => b.addEventListener('click', () => downloadPng(b)));
document.documentElement.dataset.ready = '1';
