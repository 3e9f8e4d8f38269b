import puppeteer from 'puppeteer-core';
const b = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const p = await b.newPage();
await p.setViewport({ width: 1280, height: 900 });
await p.goto('file:///tmp/i29/final/runA/report.html');
await p.waitForFunction(() => document.documentElement.dataset.chartsDrawn);
const el = await p.$('[id$="-roofline"]');
await el!.screenshot({ path: '/tmp/i29/roofline.png' });
await b.close();
