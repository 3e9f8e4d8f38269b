/** The WebDriver endpoint of each target type that runs through the WebDriver runner (WebKit, Appium, any WebDriver URL). */
import type { Target } from '../harness/config/schema.ts';
import type { WebDriverEndpoint } from './webdriver-endpoint.ts';

/** The target types whose jobs run through the WebDriver runner. */
export type WebDriverKindTarget = Extract<Target, { type: 'webkit' | 'appium' | 'webdriver' }>;

export function isWebDriverTarget(target: Target): target is WebDriverKindTarget {
  return target.type === 'webkit' || target.type === 'appium' || target.type === 'webdriver';
}

/** Build (and start, where the harness runs the server) the endpoint of a WebDriver target. */
export async function webDriverEndpointOf(target: Target): Promise<WebDriverEndpoint> {
  switch (target.type) {
    case 'webkit':
      return (await import('./webkit.ts')).webkitEndpoint(target);
    case 'appium':
      return (await import('./appium.ts')).appiumEndpoint(target);
    case 'webdriver':
      return (await import('./webdriver-target.ts')).webDriverEndpoint(target);
    default:
      throw new Error(`${target.name} (${target.type}) is not a WebDriver target`);
  }
}
