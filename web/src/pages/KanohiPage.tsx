// The Kanohi page lives in ./kanohi/; App.tsx imports it from here.
export { KanohiPage } from './kanohi/KanohiPage.tsx';
