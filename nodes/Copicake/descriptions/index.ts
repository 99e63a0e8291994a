export * as rendering from './rendering/Rendering.resource';
